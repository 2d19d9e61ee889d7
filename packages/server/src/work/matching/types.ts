/**
 * The matching engine's input (after the caller has resolved `{posting_id}` references to text) and the
 * seven event payloads of matching-job-stream.md, with the canonical fields of `spec/README.md`: every
 * optional field present (null when unset), timestamps ISO 8601 in UTC ending in `Z`.
 */

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

/** A criterion with every default applied, as the `criteria` event carries it. */
export interface Criterion {
  readonly id: string;
  readonly label: string;
  readonly guidance: string | null;
  readonly weight: number;
  readonly source_snippet_limit: number;
  readonly target_snippet_limit: number;
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

/** The rating of one criterion for one target. */
export type Rating = 'GOOD' | 'NEUTRAL' | 'BAD';

/** What each rating is worth in `average_score` and `score`. */
export const RATING_VALUE: Readonly<Record<Rating, number>> = { GOOD: 3, NEUTRAL: 2, BAD: 1 };

/** The statuses a `matching.job.status` event can carry. */
export type MatchingStatus = 'queued' | 'running' | 'complete' | 'failed';

/** The seven event types, by stage. */
export const MatchingEventType = {
  status: 'matching.job.status',
  criteria: 'matching.job.criteria',
  sourceSnippets: 'matching.job.source_snippets',
  targetSearch: 'matching.job.target.search',
  targetEvaluation: 'matching.job.target.evaluation',
  targetCandidate: 'matching.job.target.candidate',
  matchPersisted: 'matching.job.match.persisted',
} as const;
export type MatchingEventTypeValue = (typeof MatchingEventType)[keyof typeof MatchingEventType];

/** The fields every event starts with. */
interface EventBase<T extends MatchingEventTypeValue> {
  readonly type: T;
  readonly job_id: string;
  /** ISO 8601 in UTC, ending in `Z`. */
  readonly timestamp: string;
}

/**
 * A status change; `error_message` (at most 1000 characters) is set only when failed. `attempt` (an
 * addition to the document's payload) counts the run's attempts from 1: a retried run is announced by
 * `queued` and `running` with the next attempt, and its stages come again.
 */
export interface MatchingStatusEvent extends EventBase<'matching.job.status'> {
  readonly status: MatchingStatus;
  readonly error_message: string | null;
  readonly attempt: number;
}

/** The criteria prepared for the run. */
export interface MatchingCriteriaEvent extends EventBase<'matching.job.criteria'> {
  readonly criteria: readonly Criterion[];
}

/** How many source snippets were retrieved per criterion. */
export interface MatchingSourceSnippetsEvent extends EventBase<'matching.job.source_snippets'> {
  readonly snippets: readonly { readonly criterion_id: string; readonly snippet_count: number }[];
}

/** Hits of one criterion in one text. */
export interface CriterionHits {
  readonly criterion_id: string;
  readonly hit_count: number;
}

/** The vector hits of one target; `total_hits` is the sum of the hit counts. */
export interface MatchingTargetSearchEvent extends EventBase<'matching.job.target.search'> {
  readonly target: {
    readonly target_id: string;
    readonly target_name: string;
    readonly total_hits: number;
    readonly hits: readonly CriterionHits[];
  };
}

/** One criterion's evaluation for one target. */
export interface CriterionEvaluation {
  readonly criterion_id: string;
  readonly criterion_label: string;
  readonly rating: Rating;
  readonly reason: string;
}

/** The evaluations of one target: `average_score` is the mean rating, `coverage` its search_hit_ratio. */
export interface MatchingTargetEvaluationEvent extends EventBase<'matching.job.target.evaluation'> {
  readonly target_id: string;
  readonly target_name: string;
  readonly average_score: number;
  readonly coverage: number;
  readonly evaluations: readonly CriterionEvaluation[];
}

/** The aggregated candidate view of one target. */
export interface MatchingTargetCandidateEvent extends EventBase<'matching.job.target.candidate'> {
  readonly target_id: string;
  readonly target_name: string;
  readonly score: number;
  readonly search_hit_ratio: number;
  readonly summary_reason: string;
}

/** One ranked match, sent after it is persisted. */
export interface MatchingMatchPersistedEvent extends EventBase<'matching.job.match.persisted'> {
  readonly match_id: string;
  readonly target_id: string;
  readonly target_name: string;
  readonly rank: number;
  readonly score: number;
  readonly search_hit_ratio: number;
}

/** Any event of a matching run, tagged by `type`. */
export type MatchingEvent =
  | MatchingStatusEvent
  | MatchingCriteriaEvent
  | MatchingSourceSnippetsEvent
  | MatchingTargetSearchEvent
  | MatchingTargetEvaluationEvent
  | MatchingTargetCandidateEvent
  | MatchingMatchPersistedEvent;

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
