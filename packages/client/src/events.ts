import type { EventDataMap } from '@jobstream/protocol';

/**
 * Each canonical event type and the data it carries: `@jobstream/protocol`'s event catalogue, the one
 * the server emits from (types only: nothing of zod reaches the bundle).
 */
export type { EventDataMap, ScrapeCompletedData, ScrapeStartedData } from '@jobstream/protocol';
export type EventTypeName = keyof EventDataMap;

type WorkEvent = Extract<EventTypeName, `work.${string}`>;
type UserEvent =
  | Extract<
      EventTypeName,
      `${'application' | 'interview' | 'followup' | 'analysis' | 'skill_gap' | 'recommendations' | 'inbox'}.${string}`
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
