import { cosine, HashedTfIdf } from './embedding.js';
import type { EvaluationInput, EvaluationOutput, Evaluator } from './evaluator.js';

/**
 * Least best-pair similarity for GOOD. Two passages at 0.3 or more under hashed TF-IDF share several
 * of their meaningful words; below that they share one or two.
 */
export const GOOD_SIMILARITY = 0.3;

/** Longest quotation of a passage in a reason. */
const QUOTE_LENGTH = 80;

/**
 * The default evaluator: no network, deterministic. For one criterion it compares every source snippet
 * retrieved for it with every target snippet retrieved for it (hashed TF-IDF fitted on those snippets,
 * cosine similarity) and rates:
 *
 * - BAD when either side has no snippet for the criterion (no hit): nothing to match;
 * - GOOD when both have and the best pair's similarity is at least {@link GOOD_SIMILARITY};
 * - NEUTRAL when both address the criterion, but in different words.
 *
 * The reason quotes the closest pair in plain words.
 */
export class LocalEvaluator implements Evaluator {
  evaluate(input: EvaluationInput, signal: AbortSignal): Promise<EvaluationOutput> {
    signal.throwIfAborted();
    return Promise.resolve(rate(input));
  }
}

function rate({ criterion, sourceSnippets, targetSnippets, target }: EvaluationInput): EvaluationOutput {
  const label = criterion.label;
  if (targetSnippets.length === 0 && sourceSnippets.length === 0) {
    return { rating: 'BAD', reason: `Neither the source nor ${target.name} says anything about ${label}.` };
  }
  if (targetSnippets.length === 0) {
    return { rating: 'BAD', reason: `${target.name} says nothing about ${label}.` };
  }
  if (sourceSnippets.length === 0) {
    return {
      rating: 'BAD',
      reason: `${target.name} covers ${label}, but the source says nothing about it.`,
    };
  }
  const best = bestPair(sourceSnippets, targetSnippets);
  const pair = `${quote(best.target)} (${target.name}) and ${quote(best.source)} (source)`;
  const similarity = best.similarity.toFixed(2);
  if (best.similarity >= GOOD_SIMILARITY) {
    return { rating: 'GOOD', reason: `Close match on ${label}: ${pair}, similarity ${similarity}.` };
  }
  return {
    rating: 'NEUTRAL',
    reason: `Both address ${label}, in different words: the closest passages are ${pair}, similarity ${similarity}.`,
  };
}

/** The most similar source/target pair; ties keep the first (best-ranked) snippets. */
function bestPair(sources: readonly string[], targets: readonly string[]) {
  const embedder = new HashedTfIdf([...sources, ...targets]);
  const sourceVectors = sources.map((s) => embedder.embed(s));
  let best = { source: sources[0]!, target: targets[0]!, similarity: -1 };
  for (const t of targets) {
    const tv = embedder.embed(t);
    sourceVectors.forEach((sv, i) => {
      const similarity = cosine(sv, tv);
      if (similarity > best.similarity) best = { source: sources[i]!, target: t, similarity };
    });
  }
  return best;
}

function quote(text: string): string {
  return text.length <= QUOTE_LENGTH ? `"${text}"` : `"${text.slice(0, QUOTE_LENGTH - 1).trimEnd()}…"`;
}
