import { jobQueueJob, jobQueueStats, type CanonicalEvent } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';

/**
 * Renders canonical `work.*` and `queue.stats` events as job-queue.md's messages:
 * `{type, job, timestamp, event_id}` and `{type: "stats_updated", stats, timestamp, event_id}`.
 * Encoders are module-level constants, so the hub renders each event once for every connection.
 */

/**
 * A `work.*` event as the document's `{type, job, timestamp}` (the mapping is the protocol package's,
 * shared with the SDK's `useJobsWebSocket`): created, started (a job's first attempt only; a retry's
 * start is `job_updated`), updated (progress, cancellation), completed, failed.
 */
const jobFrame: FrameEncoder = (e: CanonicalEvent) => {
  const message = jobQueueJob(e.type, e.data);
  if (!message) return null;
  return jsonFrame({ type: message.type, job: message.job, timestamp: e.ts, event_id: e.id });
};

/** `queue.stats` → `stats_updated` with the document's seven counts (throughput stays canonical). */
const statsFrame: FrameEncoder = (e) =>
  jsonFrame({ type: 'stats_updated', stats: jobQueueStats(e.data), timestamp: e.ts, event_id: e.id });

/**
 * The seven counts of a `queue.stats` event, as bytes: built once per event, compared per connection,
 * because `queue.stats` also moves with the throughput, which this API does not carry.
 */
export const statsCounts: FrameEncoder = (e) => Buffer.from(JSON.stringify(jobQueueStats(e.data)));

/** Canonical type on `queue` → its job-queue rendering; other types are not part of this API. */
export const JOB_QUEUE_ENCODERS: ReadonlyMap<string, FrameEncoder> = new Map([
  ['work.created', jobFrame],
  ['work.started', jobFrame],
  ['work.progress', jobFrame],
  ['work.cancelled', jobFrame],
  ['work.completed', jobFrame],
  ['work.failed', jobFrame],
  ['queue.stats', statsFrame],
]);
