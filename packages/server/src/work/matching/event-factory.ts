import type { SearchResult } from './search.js';
import {
  MatchingEventType as T,
  type Criterion,
  type CriterionEvaluation,
  type MatchingCriteriaEvent,
  type MatchingMatchPersistedEvent,
  type MatchingSourceSnippetsEvent,
  type MatchingStatus,
  type MatchingStatusEvent,
  type MatchingTargetCandidateEvent,
  type MatchingTargetEvaluationEvent,
  type MatchingTargetSearchEvent,
} from '@jobstream/protocol';
import { type MatchResult } from './types.js';

/** Longest error_message an event carries (the original's models allow 1000 characters). */
export const MAX_ERROR_MESSAGE = 1000;

/** A candidate's figures, as the evaluation and candidate events carry them. */
export interface CandidateFigures {
  readonly target_id: string;
  readonly target_name: string;
  readonly score: number;
  readonly search_hit_ratio: number;
}

/**
 * Builds the events of one job, with their fields in the documented order (type, job_id, timestamp,
 * then the table's order, then additions), each stamped with `now()` when built.
 *
 * @param now the clock. @default () => new Date()
 * @param attempt which attempt of the run this is, from 1; status events carry it. @default 1
 */
export function eventFactory(jobId: string, now: () => Date = () => new Date(), attempt = 1) {
  const head = <K extends string>(type: K) => ({ type, job_id: jobId, timestamp: now().toISOString() });
  return {
    /** `matching.job.status`; a longer error_message is cut to {@link MAX_ERROR_MESSAGE}. */
    status(status: MatchingStatus, errorMessage: string | null = null): MatchingStatusEvent {
      return {
        ...head(T.status),
        status,
        error_message: errorMessage === null ? null : truncate(errorMessage, MAX_ERROR_MESSAGE),
        attempt,
      };
    },
    criteria(criteria: readonly Criterion[]): MatchingCriteriaEvent {
      return {
        ...head(T.criteria),
        criteria: criteria.map((c) => ({
          id: c.id,
          label: c.label,
          guidance: c.guidance,
          weight: c.weight,
          source_snippet_limit: c.source_snippet_limit,
          target_snippet_limit: c.target_snippet_limit,
        })),
      };
    },
    sourceSnippets(search: SearchResult): MatchingSourceSnippetsEvent {
      return {
        ...head(T.sourceSnippets),
        snippets: search.hits.map((h) => ({ criterion_id: h.criterion_id, snippet_count: h.hit_count })),
      };
    },
    targetSearch(target: { id: string; name: string }, search: SearchResult): MatchingTargetSearchEvent {
      return {
        ...head(T.targetSearch),
        target: {
          target_id: target.id,
          target_name: target.name,
          total_hits: search.total_hits,
          hits: search.hits.map((h) => ({ criterion_id: h.criterion_id, hit_count: h.hit_count })),
        },
      };
    },
    targetEvaluation(
      figures: CandidateFigures,
      evaluations: readonly CriterionEvaluation[],
    ): MatchingTargetEvaluationEvent {
      return {
        ...head(T.targetEvaluation),
        target_id: figures.target_id,
        target_name: figures.target_name,
        average_score: figures.score,
        coverage: figures.search_hit_ratio,
        evaluations: evaluations.map((e) => ({
          criterion_id: e.criterion_id,
          criterion_label: e.criterion_label,
          rating: e.rating,
          reason: e.reason,
        })),
      };
    },
    targetCandidate(figures: CandidateFigures, summaryReason: string): MatchingTargetCandidateEvent {
      return {
        ...head(T.targetCandidate),
        target_id: figures.target_id,
        target_name: figures.target_name,
        score: figures.score,
        search_hit_ratio: figures.search_hit_ratio,
        summary_reason: summaryReason,
      };
    },
    matchPersisted(match: MatchResult): MatchingMatchPersistedEvent {
      return {
        ...head(T.matchPersisted),
        match_id: match.match_id,
        target_id: match.target_id,
        target_name: match.target_name,
        rank: match.rank,
        score: match.score,
        search_hit_ratio: match.search_hit_ratio,
      };
    },
  };
}

/** The builders of one job's events. */
export type EventFactory = ReturnType<typeof eventFactory>;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
