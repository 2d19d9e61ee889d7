import { z } from 'zod';
import type {
  MatchingCriteriaEvent,
  MatchingEvent,
  MatchingMatchPersistedEvent,
  MatchingSourceSnippetsEvent,
  MatchingStatusEvent,
  MatchingTargetCandidateEvent,
  MatchingTargetEvaluationEvent,
  MatchingTargetSearchEvent,
} from './types.js';

/**
 * The seven events of matching-job-stream.md as strict zod schemas, with the canonical fields of
 * `spec/README.md`: no field missing, none extra. Imports only zod and types, so that a dialect (or
 * `packages/protocol`) can reuse it.
 */

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
