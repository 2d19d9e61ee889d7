import {
  isoUtcOffset,
  jobFeedData,
  jobQueueJob,
  jobQueueStats,
  type JobQueueStats,
  type JobQueueType,
} from '@jobstream/protocol/documented';
import type { JobstreamEvent } from '../events.js';

/**
 * Canonical events in the shapes job-feed.md and job-queue.md document, so that code written against
 * those documents runs unchanged on the SDK's gap-free connection. The mapping is the protocol
 * package's, the one the server's job-feed and job-queue dialects render with.
 */

type Fields = Record<string, unknown>;

/** job-feed.md's message: `{type, timestamp, data}`, plus the canonical id for de-duplication. */
export interface FeedMessage {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Fields;
  readonly event_id?: string;
}

/** job-feed.md's event names and the canonical types they render. */
export const FEED_TYPES = {
  new_job: 'posting.created',
  job_updated: 'posting.updated',
  scrape_started: 'scrape.started',
  scrape_completed: 'scrape.completed',
} as const;
export type FeedType = keyof typeof FEED_TYPES;

/** A canonical posting or scrape event as job-feed.md's message. */
export function feedMessage(e: JobstreamEvent<(typeof FEED_TYPES)[FeedType]>): FeedMessage {
  const message = jobFeedData(e.type, e.data);
  return {
    type: message?.type ?? e.type,
    timestamp: isoUtcOffset(e.ts),
    data: message?.data ?? {},
    event_id: e.id,
  };
}

/** job-queue.md's message types. */
export type JobUpdateType = JobQueueType;

/** A work job with job-queue.md's status names (`pending`, `in_progress`, `completed`…). */
export type QueueJob = Fields & { readonly id: string | null; readonly status: string };

/** job-queue.md's statistics. */
export type QueueStatsMessage = JobQueueStats;

/** A `work.*` event as job-queue.md's `{type, job}`; undefined for other types. */
export function queueUpdate(e: JobstreamEvent): { type: JobUpdateType; job: QueueJob } | undefined {
  const message = jobQueueJob(e.type, e.data);
  if (!message) return undefined;
  const id = message.job.id;
  return {
    type: message.type,
    job: { ...message.job, id: typeof id === 'string' ? id : null, status: String(message.job.status) },
  };
}

/** `queue.stats` as job-queue.md's seven counts. */
export function queueStats(e: JobstreamEvent): QueueStatsMessage | undefined {
  return e.type === 'queue.stats' ? jobQueueStats(e.data) : undefined;
}
