export { CloseCode, closeCodeAdvice, ErrorCode, errorHttpStatus } from './codes.js';
export type { CloseCodeName, ErrorCodeValue } from './codes.js';
export { Topic, EventType, TypeFilter, topicPattern } from './topic.js';
export { PublishRequest, PublishResponse } from './event.js';
export type { CanonicalEvent } from './event.js';
export {
  ClientMessage,
  ServerMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  PingMessage,
  PongMessage,
  RefreshMessage,
  RefreshedMessage,
  WelcomeMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  EventMessage,
  ServerPingMessage,
  ServerPongMessage,
  ErrorMessage,
} from './native.js';
export {
  Role,
  PostingInput,
  PostingPatch,
  PostingQuery,
  RemotePreference,
  ProfileInput,
  ApplicationStatus,
  ApplicationInput,
  ApplicationStatusInput,
  InterviewInput,
  InterviewPatch,
  FollowupInput,
  NotificationPriority,
  NotificationInput,
  IdParam,
  Paging,
  WorkKind,
  WorkStatus,
  WorkQuery,
  WorkIdParam,
  MatchingJobInput,
  UuidParam,
  UpdatesQuery,
  SourceKind,
  SourceInput,
  SourcePatch,
  ScrapeRequest,
} from './rest.js';
export type { Posting, QueueStats, WorkJob, Source, ScrapeReport, Recommendation } from './rest.js';
export {
  CHANNELS,
  ChannelName,
  ChannelsClientMessage,
  ChannelsControlMessage,
  clientActions as channelsClientActions,
  ConnectedMessage as ChannelsConnectedMessage,
} from './channels-messages.js';
export { ChannelsEventMessage } from './channels-events.js';
export {
  JOB_FEED_CLIENT_TYPES,
  JOB_FEED_EVENTS,
  MAX_FILTER_NAMES,
  JobFeedClientMessage,
  JobFeedServerMessage,
} from './job-feed.js';
export type { JobFeedEvent, JobFeedSubscribe } from './job-feed.js';
export { JobQueueClientMessage, JobQueueServerMessage } from './job-queue.js';
export { NotificationsClientMessage, NotificationsServerMessage } from './notifications.js';
export {
  ErrorBody,
  PostingResource,
  PostingCreated,
  PostingPage,
  ApplicationResource,
  WorkJobResource,
  WorkJobPage,
  QueueStatsResource,
  SourceResource,
  SourceList,
} from './resources.js';
export { EventType as EventTypes, topics } from './events.js';
export type { EventTypeName } from './events.js';
export {
  QUEUE_STATS_EVENT,
  WorkEvent,
  catalogueTypes,
  eventSchemas,
  isCatalogued,
  publishedData,
  renderCatalogued,
} from './catalogue.js';
export { isRecord, recordOf } from './published.js';
export type { Published } from './published.js';
export type {
  AnalysisCompletedData,
  AnalysisStartedData,
  ApplicationCreatedData,
  ApplicationStatusChangedData,
  CatalogueRenderers,
  CatalogueType,
  EventDataMap,
  EventDataOf,
  EventDraft,
  FollowupData,
  FollowupDueData,
  FollowupSentData,
  InboxReadData,
  InterviewData,
  InterviewReminderData,
  InterviewUpdatedData,
  MatchingEventData,
  NotificationData,
  PostingCreatedData,
  PostingUpdatedData,
  ProfileUpdatedData,
  RecommendationsData,
  ScrapeCompletedData,
  ScrapeHead,
  ScrapeStartedData,
  SkillGap,
  SkillGapData,
  SystemMaintenanceData,
  WorkEventType,
} from './catalogue.js';
export {
  CriterionEvaluationSchema,
  CriterionSchema,
  MatchingCriteriaEventSchema,
  MatchingEventSchema,
  MatchingEventType,
  MatchingMatchPersistedEventSchema,
  MatchingSourceSnippetsEventSchema,
  MatchingStatusEventSchema,
  MatchingStreamMessage,
  MatchingTargetCandidateEventSchema,
  MatchingTargetEvaluationEventSchema,
  MatchingTargetSearchEventSchema,
} from './matching.js';
export type {
  Criterion,
  CriterionEvaluation,
  CriterionHits,
  MatchingCriteriaEvent,
  MatchingEvent,
  MatchingEventTypeValue,
  MatchingMatchPersistedEvent,
  MatchingSourceSnippetsEvent,
  MatchingStatus,
  MatchingStatusEvent,
  MatchingTargetCandidateEvent,
  MatchingTargetEvaluationEvent,
  MatchingTargetSearchEvent,
  Rating,
} from './matching.js';
export { describeTimeUntil } from './format.js';
export { jobFeedData, jobQueueJob, jobQueueStats, isoUtcOffset } from './documented.js';
export type { JobFeedType, JobQueueType, JobQueueStats } from './documented.js';
