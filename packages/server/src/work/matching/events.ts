/** The seven matching events' zod schemas, from `@jobstream/protocol`'s event catalogue. */
export {
  CriterionEvaluationSchema,
  CriterionSchema,
  MatchingCriteriaEventSchema,
  MatchingEventSchema,
  MatchingMatchPersistedEventSchema,
  MatchingSourceSnippetsEventSchema,
  MatchingStatusEventSchema,
  MatchingTargetCandidateEventSchema,
  MatchingTargetEvaluationEventSchema,
  MatchingTargetSearchEventSchema,
} from '@jobstream/protocol';
