import { z } from 'zod';

/**
 * The wire messages of job-feed.md (`/api/v1/ws/jobs`) as zod schemas. Client objects are not strict:
 * the document's own ping carries a `timestamp`, and clients may add fields of their own. Every server
 * message is the envelope `{type, timestamp, data}`; events add `event_id` (`topic@seq`).
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

// Server → client.
/** ISO 8601 UTC ending in `+00:00`, as the original (Python's isoformat) wrote it. */
const timestamp = z.string();
const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), timestamp, data });
const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  envelope(type, data).extend({
    event_id: z.string().describe('the canonical topic@seq, for de-duplication'),
  });
const score = z.number().min(0).max(1).nullable();
const count = z.number().int().nullable();

export const JobFeedServerMessage = z.discriminatedUnion('type', [
  envelope('connected', z.object({ message: z.string(), version: z.string() })),
  event(
    'new_job',
    z.object({
      job_id: z.number().int().nullable(),
      title: z.string().nullable(),
      company: z.string().nullable(),
      location: z.string().nullable(),
      score,
      url: z.string().nullable(),
    }),
  ),
  event(
    'job_updated',
    z.object({ job_id: z.number().int().nullable(), changes: z.array(z.string()), new_score: score }),
  ),
  event(
    'scrape_started',
    z.object({ source: z.string().nullable(), expected_duration_seconds: z.number().nullable() }),
  ),
  event(
    'scrape_completed',
    z.object({
      source: z.string().nullable(),
      jobs_found: count,
      new_jobs: count,
      updated_jobs: count,
      duration_seconds: z.number().nullable(),
      errors: count,
    }),
  ),
  envelope('heartbeat', z.object({})),
  envelope('subscribed', z.object({ events: z.array(z.string()) })),
  envelope('pong', z.object({})),
  envelope(
    'error',
    z.object({
      message: z.string(),
      code: z.string(),
      retry_after_seconds: z.number().optional().describe('with rate_limited'),
    }),
  ),
]);
export type JobFeedServerMessage = z.infer<typeof JobFeedServerMessage>;
