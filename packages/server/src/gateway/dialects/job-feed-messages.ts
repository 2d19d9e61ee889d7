import { z } from 'zod';

/**
 * The client messages of job-feed.md (`/api/v1/ws/jobs`). Objects are not strict: the document's own
 * ping carries a `timestamp`, and clients may add fields of their own.
 */

/** The event types a `subscribe` may name, as job-feed.md lists its server messages. */
export const JOB_FEED_EVENTS = ['new_job', 'job_updated', 'scrape_started', 'scrape_completed'] as const;
export type JobFeedEvent = (typeof JOB_FEED_EVENTS)[number];

/** Most names one `subscribe` may carry, and the longest name: bounds what a session holds. */
export const MAX_FILTER_NAMES = 32;
const MAX_NAME_LENGTH = 64;

/** `{"type": "ping", "timestamp"?}`: answered by `pong`. */
export const JobFeedPing = z.object({ type: z.literal('ping') });

/** `{"type": "subscribe", "events": [...]}`: none or an empty list means every event. */
export const JobFeedSubscribe = z.object({
  type: z.literal('subscribe'),
  events: z
    .array(z.string().min(1).max(MAX_NAME_LENGTH))
    .max(MAX_FILTER_NAMES)
    .nullish()
    .transform((events) => events ?? []),
});
export type JobFeedSubscribe = z.output<typeof JobFeedSubscribe>;

/** `{"type": "pong"}`: some clients answer a heartbeat with it; it is accepted and ignored. */
export const JobFeedPong = z.object({ type: z.literal('pong') });

/** Every message a job-feed client may send. */
export const JobFeedClientMessage = z.discriminatedUnion('type', [
  JobFeedPing,
  JobFeedSubscribe,
  JobFeedPong,
]);
export type JobFeedClientMessage = z.output<typeof JobFeedClientMessage>;

/** The message types the server understands, for the "unknown message type" error. */
export const JOB_FEED_CLIENT_TYPES: readonly string[] = ['ping', 'subscribe', 'pong'];
