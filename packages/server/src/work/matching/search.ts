import { cosine, type HashedTfIdf, type Vector } from './embedding.js';
import type { Criterion, CriterionHits } from '@jobstream/protocol';

/**
 * Least cosine similarity for a snippet to count as a hit for a criterion. Small on purpose: with
 * hashed TF-IDF a short criterion sharing one meaningful word with a sentence scores around 0.1–0.4,
 * while unrelated sentences score 0 (or a few hundredths when buckets collide).
 */
export const HIT_THRESHOLD = 0.08;

/** The snippets of one text with their embeddings, ready to be searched. */
export interface SnippetIndex {
  readonly snippets: readonly string[];
  readonly vectors: readonly Vector[];
}

/** A snippet retrieved for a query, with its similarity. */
export interface SnippetHit {
  readonly text: string;
  /** Position of the snippet in its text. */
  readonly index: number;
  readonly similarity: number;
}

/** The hits of every criterion in one text. */
export interface SearchResult {
  /** Hit counts in the order of the criteria. */
  readonly hits: readonly CriterionHits[];
  /** Sum of the hit counts. */
  readonly total_hits: number;
  /** The retrieved snippets, best first, by criterion id. */
  readonly snippets: ReadonlyMap<string, readonly SnippetHit[]>;
}

/** Embeds the snippets of one text. */
export function indexSnippets(embedder: HashedTfIdf, snippets: readonly string[]): SnippetIndex {
  return { snippets, vectors: snippets.map((s) => embedder.embed(s)) };
}

/** The text a criterion is searched with: its label and, when given, its guidance. */
export function criterionQuery(criterion: Pick<Criterion, 'label' | 'guidance'>): string {
  return criterion.guidance ? `${criterion.label}. ${criterion.guidance}` : criterion.label;
}

/**
 * The `limit` snippets most similar to a query vector, best first, keeping only those at or above
 * `threshold`. Ties keep the text's order, so the result is deterministic.
 *
 * @param threshold least similarity of a hit. @default HIT_THRESHOLD
 */
export function topHits(
  index: SnippetIndex,
  query: Vector,
  limit: number,
  threshold = HIT_THRESHOLD,
): SnippetHit[] {
  if (limit <= 0) return [];
  return index.vectors
    .map((vector, i) => ({ text: index.snippets[i]!, index: i, similarity: cosine(query, vector) }))
    .filter((hit) => hit.similarity >= threshold)
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
    .slice(0, limit);
}

/**
 * Searches one text for every criterion: at most `limitOf(criterion)` hits each (the source or the
 * target snippet limit).
 *
 * @param threshold least similarity of a hit. @default HIT_THRESHOLD
 */
export function searchCriteria(
  embedder: HashedTfIdf,
  index: SnippetIndex,
  criteria: readonly Criterion[],
  limitOf: (criterion: Criterion) => number,
  threshold = HIT_THRESHOLD,
): SearchResult {
  const snippets = new Map<string, readonly SnippetHit[]>();
  const hits: CriterionHits[] = [];
  let total = 0;
  for (const criterion of criteria) {
    const found = topHits(index, embedder.embed(criterionQuery(criterion)), limitOf(criterion), threshold);
    snippets.set(criterion.id, found);
    hits.push({ criterion_id: criterion.id, hit_count: found.length });
    total += found.length;
  }
  return { hits, total_hits: total, snippets };
}

/** Share of criteria with at least one hit (0 to 1; 0 without criteria): the search_hit_ratio. */
export function hitRatio(result: Pick<SearchResult, 'hits'>): number {
  if (result.hits.length === 0) return 0;
  return result.hits.filter((h) => h.hit_count > 0).length / result.hits.length;
}
