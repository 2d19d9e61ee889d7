import { z } from 'zod';

/**
 * The seven events of matching-job-stream.md, with the canonical fields of `spec/README.md`: every
 * optional field present (null when unset), timestamps ISO 8601 in UTC ending in `Z`. Each is both a
 * hand-written TypeScript type and a strict zod schema (no field missing, none extra), checked against
 * each other at compile time. The matching dialect sends them as they are, plus `event_id`.
 */

/** A criterion with every default applied, as the `criteria` event carries it. */
export interface Criterion {
  readonly id: string;
  readonly label: string;
  readonly guidance: string | null;
  readonly weight: number;
  readonly source_snippet_limit: number;
  readonly target_snippet_limit: number;
}

/** The rating of one criterion for one target. */
export type Rating = 'GOOD' | 'NEUTRAL' | 'BAD';

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

const timestamp = z.iso.datetime(); // UTC with a `Z`, no offset
const count = z.number().int().min(0);
const ratio = z.number().min(0).max(1);
// The mean rating: 1 to 3, or exactly 0 when nothing was evaluated.
const meanRating = z
  .number()
  .min(0)
  .max(3)
  .refine((n) => n === 0 || n >= 1, 'a mean rating is 0 or between 1 and 3');
const base = <T extends string>(type: T) => ({ type: z.literal(type), job_id: z.uuid(), timestamp });

export const MatchingStatusEventSchema = z.strictObject({
  ...base('matching.job.status'),
  status: z.enum(['queued', 'running', 'complete', 'failed']),
  error_message: z.string().max(1000).nullable(),
  attempt: z.number().int().min(1),
});

export const CriterionSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().min(1),
  guidance: z.string().nullable(),
  weight: z.number().min(0),
  source_snippet_limit: count,
  target_snippet_limit: count,
});

export const MatchingCriteriaEventSchema = z.strictObject({
  ...base('matching.job.criteria'),
  criteria: z.array(CriterionSchema),
});

export const MatchingSourceSnippetsEventSchema = z.strictObject({
  ...base('matching.job.source_snippets'),
  snippets: z.array(z.strictObject({ criterion_id: z.string(), snippet_count: count })),
});

const hitsSchema = z.array(z.strictObject({ criterion_id: z.string(), hit_count: count }));

export const MatchingTargetSearchEventSchema = z.strictObject({
  ...base('matching.job.target.search'),
  target: z
    .strictObject({ target_id: z.string(), target_name: z.string(), total_hits: count, hits: hitsSchema })
    .refine((t) => t.total_hits === t.hits.reduce((sum, h) => sum + h.hit_count, 0), {
      message: 'total_hits is the sum of the hit counts',
    }),
});

export const CriterionEvaluationSchema = z.strictObject({
  criterion_id: z.string(),
  criterion_label: z.string(),
  rating: z.enum(['GOOD', 'NEUTRAL', 'BAD']),
  reason: z.string(),
});

export const MatchingTargetEvaluationEventSchema = z.strictObject({
  ...base('matching.job.target.evaluation'),
  target_id: z.string(),
  target_name: z.string(),
  average_score: meanRating,
  coverage: ratio,
  evaluations: z.array(CriterionEvaluationSchema),
});

export const MatchingTargetCandidateEventSchema = z.strictObject({
  ...base('matching.job.target.candidate'),
  target_id: z.string(),
  target_name: z.string(),
  score: meanRating,
  search_hit_ratio: ratio,
  summary_reason: z.string(),
});

export const MatchingMatchPersistedEventSchema = z.strictObject({
  ...base('matching.job.match.persisted'),
  match_id: z.uuid(),
  target_id: z.string(),
  target_name: z.string(),
  rank: z.number().int().min(1),
  score: meanRating,
  search_hit_ratio: ratio,
});

/** Any matching event, by `type`. */
export const MatchingEventSchema = z.discriminatedUnion('type', [
  MatchingStatusEventSchema,
  MatchingCriteriaEventSchema,
  MatchingSourceSnippetsEventSchema,
  MatchingTargetSearchEventSchema,
  MatchingTargetEvaluationEventSchema,
  MatchingTargetCandidateEventSchema,
  MatchingMatchPersistedEventSchema,
]);

/**
 * The matching stream's server message (`/ws/matching-jobs/{job_id}`): an event as it is, plus what
 * the stream adds to each, the id it is kept under (as `/api/matching-jobs/{id}/updates/` lists it).
 */
export const MatchingStreamMessage = {
  union: MatchingEventSchema,
  tag: 'type',
  adds: { event_id: z.string().describe('the id it is kept under') },
} as const;

// Compile-time proof that the schemas and the hand-written types of types.ts describe the same shapes.
// Readonly is erased on both sides: zod infers mutable arrays, types.ts declares readonly ones.
type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;
type Same<A, B> = [Frozen<A>] extends [Frozen<B>] ? ([Frozen<B>] extends [Frozen<A>] ? true : false) : false;
type Check<T extends true> = T;
export type SchemasMatchTypes = [
  Check<Same<z.infer<typeof MatchingStatusEventSchema>, MatchingStatusEvent>>,
  Check<Same<z.infer<typeof MatchingCriteriaEventSchema>, MatchingCriteriaEvent>>,
  Check<Same<z.infer<typeof MatchingSourceSnippetsEventSchema>, MatchingSourceSnippetsEvent>>,
  Check<Same<z.infer<typeof MatchingTargetSearchEventSchema>, MatchingTargetSearchEvent>>,
  Check<Same<z.infer<typeof MatchingTargetEvaluationEventSchema>, MatchingTargetEvaluationEvent>>,
  Check<Same<z.infer<typeof MatchingTargetCandidateEventSchema>, MatchingTargetCandidateEvent>>,
  Check<Same<z.infer<typeof MatchingMatchPersistedEventSchema>, MatchingMatchPersistedEvent>>,
  Check<Same<z.infer<typeof MatchingEventSchema>, MatchingEvent>>,
];
