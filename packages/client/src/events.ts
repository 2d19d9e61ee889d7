import type {
  ApplicationCreatedData,
  ApplicationStatusChangedData,
  FollowupData,
  FollowupDueData,
  InterviewData,
  InterviewReminderData,
  NotificationData,
  PostingCreatedData,
  PostingUpdatedData,
  QueueStats,
  RecommendationsData,
  WorkJob,
} from '@jobstream/protocol';

/** Fields of an event whose data the protocol package does not spell out (yet). */
export type Fields = Record<string, unknown>;

/** `scrape.started`: a board scrape began. */
export interface ScrapeStartedData {
  source: string;
  expected_duration_seconds: number | null;
  [field: string]: unknown;
}
/** `scrape.completed`: what a board scrape found. */
export interface ScrapeCompletedData {
  source: string;
  jobs_found: number;
  new_jobs: number;
  updated_jobs: number;
  duration_seconds: number;
  errors: number;
  [field: string]: unknown;
}

/**
 * Each canonical event type and the data it carries, from `@jobstream/protocol`'s catalogue (types
 * only: nothing of zod reaches the bundle).
 */
export interface EventDataMap {
  'posting.created': PostingCreatedData;
  'posting.updated': PostingUpdatedData;
  'profile.updated': Fields;
  'application.created': ApplicationCreatedData;
  'application.status_changed': ApplicationStatusChangedData;
  'interview.scheduled': InterviewData;
  'interview.updated': InterviewData;
  'interview.cancelled': InterviewData;
  'interview.reminder': InterviewReminderData;
  'followup.created': FollowupData;
  'followup.due': FollowupDueData;
  'followup.sent': FollowupData;
  notification: NotificationData;
  'system.notification': Fields;
  'system.maintenance': Fields;
  'analysis.started': Fields;
  'analysis.completed': Fields;
  'skill_gap.completed': Fields;
  'skill_gap.updated': Fields;
  'recommendations.new': RecommendationsData;
  'recommendations.updated': RecommendationsData;
  'work.created': WorkJob;
  'work.started': WorkJob;
  'work.progress': WorkJob;
  'work.completed': WorkJob;
  'work.failed': WorkJob;
  'work.cancelled': WorkJob;
  'queue.stats': QueueStats;
  'scrape.started': ScrapeStartedData;
  'scrape.completed': ScrapeCompletedData;
  'matching.job.status': Fields;
  'matching.job.criteria': Fields;
  'matching.job.source_snippets': Fields;
  'matching.job.target.search': Fields;
  'matching.job.target.candidate': Fields;
  'matching.job.target.evaluation': Fields;
  'matching.job.match.persisted': Fields;
}
export type EventTypeName = keyof EventDataMap;

type WorkEvent = Extract<EventTypeName, `work.${string}`>;
type UserEvent =
  | Extract<
      EventTypeName,
      `${'application' | 'interview' | 'followup' | 'analysis' | 'skill_gap' | 'recommendations'}.${string}`
    >
  | 'profile.updated'
  | 'notification'
  // The user's own background work, whole (the shared `queue` shows it redacted).
  | WorkEvent;

/** The event types each topic carries (DESIGN.md's topic table). */
export type TopicEventType<T extends string> = T extends 'postings'
  ? 'posting.created' | 'posting.updated'
  : T extends 'queue'
    ? WorkEvent | 'queue.stats'
    : T extends 'scrapes'
      ? 'scrape.started' | 'scrape.completed'
      : T extends 'system'
        ? 'system.notification' | 'system.maintenance'
        : T extends `user:${string}`
          ? UserEvent
          : T extends `role:${string}`
            ? 'notification' | 'posting.created'
            : T extends `work:${string}`
              ? WorkEvent | Extract<EventTypeName, `${'matching' | 'scrape'}.${string}`>
              : EventTypeName;

/**
 * One event as a handler sees it: a union on `type`, so that `if (e.type === 'posting.created')`
 * narrows `data`. `id` is `topic@seq`.
 */
export type JobstreamEvent<K extends EventTypeName = EventTypeName> = {
  [P in K]: {
    readonly id: string;
    readonly topic: string;
    readonly seq: number;
    readonly type: P;
    /** ISO 8601, UTC. */
    readonly ts: string;
    readonly data: EventDataMap[P];
  };
}[K];

/** The events of topic `T`. */
export type TopicEvent<T extends string> = JobstreamEvent<TopicEventType<T>>;
