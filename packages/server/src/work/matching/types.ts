/**
 * The matching engine's input (after the caller has resolved `{posting_id}` references to text) and
 * its result. The seven events it emits live in `@jobstream/protocol`'s event catalogue.
 */
import type { Criterion, Rating } from '@jobstream/protocol';

/** The text that every target is matched against (a résumé, say). */
export interface MatchingSource {
  readonly name: string;
  readonly text: string;
}

/** One text matched against the source (a job posting, say). */
export interface MatchingTarget {
  readonly id: string;
  readonly name: string;
  readonly text: string;
}

/** A criterion as a client sends it; {@link resolveCriterion} fills in the defaults. */
export interface CriterionInput {
  readonly id: string;
  readonly label: string;
  /** What to look for, in plain words; searched together with the label. @default null */
  readonly guidance?: string | null;
  /** Echoed in the `criteria` event and shown to the LLM; the score is a plain mean. @default 1.0 */
  readonly weight?: number;
  /** Most source snippets retrieved for this criterion. @default 3 */
  readonly source_snippet_limit?: number;
  /** Most snippets retrieved per target for this criterion. @default 3 */
  readonly target_snippet_limit?: number;
}

/** One matching run's input. */
export interface MatchingInput {
  readonly source: MatchingSource;
  readonly targets: readonly MatchingTarget[];
  readonly criteria: readonly CriterionInput[];
}

/** Default weight of a criterion. */
export const DEFAULT_WEIGHT = 1.0;
/** Default number of snippets retrieved per criterion, on either side. */
export const DEFAULT_SNIPPET_LIMIT = 3;

/** A criterion with its defaults applied. */
export function resolveCriterion(input: CriterionInput): Criterion {
  return {
    id: input.id,
    label: input.label,
    guidance: input.guidance ?? null,
    weight: input.weight ?? DEFAULT_WEIGHT,
    source_snippet_limit: input.source_snippet_limit ?? DEFAULT_SNIPPET_LIMIT,
    target_snippet_limit: input.target_snippet_limit ?? DEFAULT_SNIPPET_LIMIT,
  };
}

/** What each rating is worth in `average_score` and `score`. */
export const RATING_VALUE: Readonly<Record<Rating, number>> = { GOOD: 3, NEUTRAL: 2, BAD: 1 };

/** One ranked match, as the run resolves with (and as the caller persists it). */
export interface MatchResult {
  /** A UUID. */
  readonly match_id: string;
  readonly target_id: string;
  readonly target_name: string;
  /** From 1. */
  readonly rank: number;
  /** The mean rating, 1 to 3 (0 with no evaluations). */
  readonly score: number;
  /** Share of criteria with at least one hit in the target, 0 to 1. */
  readonly search_hit_ratio: number;
  /** The per-criterion reasons, joined with newlines. */
  readonly summary_reason: string;
}
