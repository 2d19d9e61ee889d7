import type { CanonicalEvent } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';

/**
 * Renders canonical `work.*` and `queue.stats` events as job-queue.md's messages:
 * `{type, job, timestamp, event_id}` and `{type: "stats_updated", stats, timestamp, event_id}`.
 * Encoders are module-level constants, so the hub renders each event once for every connection.
 */

type Fields = Record<string, unknown>;
const record = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};

/** Jobstream's work statuses → the document's (its dashboard's) names. */
const STATUS_NAMES: Readonly<Record<string, string>> = {
  queued: 'pending',
  running: 'in_progress',
  complete: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The fields of the public work job; an event's other fields (a progress detail) stay out of `job`. */
const JOB_FIELDS = [
  'id',
  'kind',
  'status',
  'phase',
  'progress',
  'error_message',
  'retries',
  'max_retries',
  'owner',
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
  'result',
] as const;

function jobOf(data: Fields): Fields {
  const job: Fields = {};
  for (const field of JOB_FIELDS) job[field] = data[field] ?? null;
  const status = typeof data.status === 'string' ? data.status : '';
  job.status = STATUS_NAMES[status] ?? status;
  return job;
}

const jobFrame =
  (type: string): FrameEncoder =>
  (e: CanonicalEvent) =>
    jsonFrame({ type, job: jobOf(record(e.data)), timestamp: e.ts, event_id: e.id });

const createdFrame = jobFrame('job_created');
const startedFrame = jobFrame('job_started');
const updatedFrame = jobFrame('job_updated');
const completedFrame = jobFrame('job_completed');
const failedFrame = jobFrame('job_failed');

/**
 * `work.started` is `job_started` for a job's first attempt only: the document sends it once per job,
 * and a retried attempt (retries > 0) is later progress of the same job, so `job_updated`.
 */
const startedOrUpdated: FrameEncoder = (e) =>
  Number(record(e.data).retries ?? 0) > 0 ? updatedFrame(e) : startedFrame(e);

/** `queue.stats` → `stats_updated` with the document's seven counts (throughput stays canonical). */
const statsFrame: FrameEncoder = (e) => {
  const s = record(e.data);
  const n = (key: string): number => (typeof s[key] === 'number' ? s[key] : 0);
  const stats = {
    pending: n('pending'),
    in_progress: n('in_progress'),
    completed: n('completed'),
    failed: n('failed'),
    cancelled: n('cancelled'),
    paused: n('paused'),
    total: n('total'),
  };
  return jsonFrame({ type: 'stats_updated', stats, timestamp: e.ts, event_id: e.id });
};

/** Canonical type on `queue` → its job-queue rendering; other types are not part of this API. */
export const JOB_QUEUE_ENCODERS: ReadonlyMap<string, FrameEncoder> = new Map([
  ['work.created', createdFrame],
  ['work.started', startedOrUpdated],
  ['work.progress', updatedFrame],
  ['work.cancelled', updatedFrame],
  ['work.completed', completedFrame],
  ['work.failed', failedFrame],
  ['queue.stats', statsFrame],
]);
