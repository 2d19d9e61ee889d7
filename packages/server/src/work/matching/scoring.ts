import { type CriterionEvaluation } from '@jobstream/protocol';
import { RATING_VALUE } from './types.js';

/**
 * The mean rating (GOOD 3, NEUTRAL 2, BAD 1), 0 without evaluations: `average_score` and `score`.
 * Deliberately unweighted, as the canonical schema defines it; a criterion's weight is echoed in the
 * `criteria` event and given to the LLM as its importance.
 */
export function meanRating(evaluations: readonly Pick<CriterionEvaluation, 'rating'>[]): number {
  if (evaluations.length === 0) return 0;
  return evaluations.reduce((sum, e) => sum + RATING_VALUE[e.rating], 0) / evaluations.length;
}

/** What ranking needs of a candidate. */
export interface Rankable {
  readonly score: number;
  readonly search_hit_ratio: number;
}

/**
 * The candidates by descending score; ties broken by descending search_hit_ratio, then by the order
 * the targets were given in. Returns a new array.
 */
export function rankCandidates<C extends Rankable>(candidates: readonly C[]): C[] {
  return candidates
    .map((candidate, order) => ({ candidate, order }))
    .sort(
      (a, b) =>
        b.candidate.score - a.candidate.score ||
        b.candidate.search_hit_ratio - a.candidate.search_hit_ratio ||
        a.order - b.order,
    )
    .map(({ candidate }) => candidate);
}
