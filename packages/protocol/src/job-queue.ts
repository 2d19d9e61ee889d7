import { z } from 'zod';
import { QueueStatsResource } from './resources.js';
import { WorkKind } from './rest.js';

/**
 * The wire messages of job-queue.md (`/api/ws/jobs`) as zod schemas. The server broadcasts; the
 * client's only message is its keep-alive ping, the text `ping` or `{"type": "ping"}` (anything else
 * is ignored, as the document has it).
 */

export const JobQueuePing = z.object({ type: z.literal('ping') });
export const JobQueueClientMessage = z.discriminatedUnion('type', [JobQueuePing]);

/** The work job as the document's dashboard names its statuses. */
export const JobQueueJob = z.object({
  id: z.string(),
  kind: WorkKind,
  status: z.enum(['pending', 'in_progress', 'completed', 'failed', 'cancelled']),
  phase: z.string().nullable(),
  progress: z.number().describe('0–100'),
  error_message: z.string().nullable(),
  retries: z.number().int(),
  max_retries: z.number().int(),
  owner: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  result: z.unknown(),
});

const timestamp = z.string().describe('ISO 8601');
const eventId = z.string().describe('the canonical topic@seq, for de-duplication');
const jobMessage = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), job: JobQueueJob, timestamp, event_id: eventId });

export const JobQueueServerMessage = z.discriminatedUnion('type', [
  jobMessage('job_created'),
  jobMessage('job_started'),
  jobMessage('job_updated'),
  jobMessage('job_completed'),
  jobMessage('job_failed'),
  z.object({
    type: z.literal('stats_updated'),
    // The document's seven counts: the queue's statistics without the throughput.
    stats: QueueStatsResource.omit({ throughput_per_min: true, mean_duration_ms: true }),
    timestamp,
    event_id: eventId,
  }),
  z
    .object({ type: z.literal('pong'), timestamp })
    .describe('the answer to {"type": "ping"}; a text ping gets the text pong'),
]);
export type JobQueueServerMessage = z.infer<typeof JobQueueServerMessage>;
