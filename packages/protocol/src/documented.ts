/**
 * Canonical events in the shapes that job-feed.md and job-queue.md document: one mapping, used by the
 * server's dialects (which frame it) and by the SDK's hooks of those documents (which hand it to code
 * written against them). Plain functions without dependencies, so that a browser bundle stays small.
 */
import { recordOf } from './published.js';
import type { QueueStats } from './rest.js';

type Fields = Record<string, unknown>;

const record = (value: unknown): Readonly<Fields> => recordOf(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** An ISO 8601 UTC time ending in `+00:00`, as job-feed's original server (Python's isoformat) wrote it. */
export const isoUtcOffset = (ts: string): string => ts.replace(/Z$/, '+00:00');

/** job-feed.md's event names. */
export type JobFeedType = 'new_job' | 'job_updated' | 'scrape_started' | 'scrape_completed';

/** Canonical posting field names → job-feed's, where they differ (the rest keep their names). */
const FEED_FIELD_NAMES: Readonly<Record<string, string>> = {
  job_title: 'title',
  job_url: 'url',
  job_description: 'description',
};

/**
 * job-feed.md's `{type, data}` of a canonical event, or undefined when the document has no such event:
 * `posting.created` → `new_job` {job_id, title, company, location, score, url}; `posting.updated` →
 * `job_updated` {job_id, changes, new_score}; `scrape.started` → `scrape_started` {source,
 * expected_duration_seconds}; `scrape.completed` → `scrape_completed` {source, jobs_found, new_jobs,
 * updated_jobs, duration_seconds, errors}; a user's `analysis.completed` → `job_updated` {job_id, changes:
 * ["score"], new_score}. A posting's score (0–1) is the event's or its posting's, where
 * a producer adds one, else null.
 */
export function jobFeedData(type: string, raw: unknown): { type: JobFeedType; data: Fields } | undefined {
  const data = record(raw);
  const posting = record(data.posting);
  const score = num(data.score) ?? num(posting.score);
  switch (type) {
    case 'posting.created':
      return {
        type: 'new_job',
        data: {
          job_id: num(posting.id),
          title: str(posting.job_title),
          company: str(posting.company),
          location: str(posting.location),
          score,
          url: str(posting.job_url),
        },
      };
    case 'posting.updated': {
      const changes = Array.isArray(data.changes) ? data.changes.filter((c) => typeof c === 'string') : [];
      return {
        type: 'job_updated',
        data: {
          job_id: num(posting.id),
          changes: changes.map((field) => FEED_FIELD_NAMES[field] ?? field),
          new_score: score,
        },
      };
    }
    case 'analysis.completed': {
      // A user's analysis of a posting: its score (0–100) as the document's 0–1 `new_score`.
      const match = num(data.match_score);
      return {
        type: 'job_updated',
        data: {
          job_id: num(data.job_id),
          changes: ['score'],
          new_score: match === null ? null : Math.round(match * 10) / 1000,
        },
      };
    }
    case 'scrape.started':
      return {
        type: 'scrape_started',
        data: { source: str(data.source), expected_duration_seconds: num(data.expected_duration_seconds) },
      };
    case 'scrape.completed':
      return {
        type: 'scrape_completed',
        data: {
          source: str(data.source),
          jobs_found: num(data.jobs_found),
          new_jobs: num(data.new_jobs),
          updated_jobs: num(data.updated_jobs),
          duration_seconds: num(data.duration_seconds),
          errors: num(data.errors),
        },
      };
    default:
      return undefined;
  }
}

/** job-queue.md's job message types. */
export type JobQueueType = 'job_created' | 'job_started' | 'job_updated' | 'job_completed' | 'job_failed';

/** Jobstream's work statuses → job-queue's (its dashboard's) names. */
const QUEUE_STATUS_NAMES: Readonly<Record<string, string>> = {
  queued: 'pending',
  running: 'in_progress',
  complete: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The fields of the public work job; an event's other fields (a progress detail) stay out of `job`. */
const WORK_JOB_FIELDS = [
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

/**
 * job-queue.md's `{type, job}` of a `work.*` event, or undefined for other types. `work.started` is
 * `job_started` for a job's first attempt only (the document sends it once per job): a retried attempt
 * is later progress of the same job, `job_updated`, as are `work.progress` and `work.cancelled`.
 * A user's job shown `redacted` on the shared queue is undefined too: the document's job is the full
 * job object, so job-queue shows the jobs REST lists for its reader (anonymous work, and the reader's
 * own from their `user:{id}`), never a stripped copy of someone else's.
 */
export function jobQueueJob(type: string, raw: unknown): { type: JobQueueType; job: Fields } | undefined {
  const data = record(raw);
  if (data.redacted === true) return undefined;
  let wire: JobQueueType;
  switch (type) {
    case 'work.created':
      wire = 'job_created';
      break;
    case 'work.started':
      wire = Number(data.retries ?? 0) > 0 ? 'job_updated' : 'job_started';
      break;
    case 'work.progress':
    case 'work.cancelled':
      wire = 'job_updated';
      break;
    case 'work.completed':
      wire = 'job_completed';
      break;
    case 'work.failed':
      wire = 'job_failed';
      break;
    default:
      return undefined;
  }
  const job: Fields = {};
  for (const field of WORK_JOB_FIELDS) job[field] = data[field] ?? null;
  const status = str(data.status) ?? '';
  job.status = QUEUE_STATUS_NAMES[status] ?? status;
  return { type: wire, job };
}

/** job-queue.md's statistics: the seven counts of the queue's statistics that it names. */
export type JobQueueStats = Pick<
  QueueStats,
  'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'paused' | 'total'
>;

/** `queue.stats` as job-queue.md's seven counts (the throughput stays canonical). */
export function jobQueueStats(raw: unknown): JobQueueStats {
  const s = record(raw);
  const n = (key: string): number => num(s[key]) ?? 0;
  return {
    pending: n('pending'),
    in_progress: n('in_progress'),
    completed: n('completed'),
    failed: n('failed'),
    cancelled: n('cancelled'),
    paused: n('paused'),
    total: n('total'),
  };
}
