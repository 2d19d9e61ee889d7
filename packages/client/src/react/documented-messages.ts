import type { JobstreamEvent } from '../events.js';

/**
 * Canonical events in the shapes job-feed.md and job-queue.md document, so that code written against
 * those documents runs unchanged on the SDK's gap-free connection. The mapping is the server's own
 * (its job-feed and job-queue dialects).
 */

type Fields = Record<string, unknown>;
const record = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

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

const FIELD_NAMES: Readonly<Record<string, string>> = {
  job_title: 'title',
  job_url: 'url',
  job_description: 'description',
};
const isoUtc = (ts: string): string => ts.replace(/Z$/, '+00:00');

/** A canonical posting or scrape event as job-feed.md's message. */
export function feedMessage(e: JobstreamEvent<(typeof FEED_TYPES)[FeedType]>): FeedMessage {
  const data = record(e.data);
  const posting = record(data.posting);
  const score = num(data.score) ?? num(posting.score);
  const out = (type: FeedType, fields: Fields): FeedMessage => ({
    type,
    timestamp: isoUtc(e.ts),
    data: fields,
    event_id: e.id,
  });
  switch (e.type) {
    case 'posting.created':
      return out('new_job', {
        job_id: num(posting.id),
        title: str(posting.job_title),
        company: str(posting.company),
        location: str(posting.location),
        score,
        url: str(posting.job_url),
      });
    case 'posting.updated': {
      const changes = Array.isArray(data.changes) ? data.changes.filter((c) => typeof c === 'string') : [];
      return out('job_updated', {
        job_id: num(posting.id),
        changes: changes.map((field) => FIELD_NAMES[field] ?? field),
        new_score: score,
      });
    }
    case 'scrape.started':
      return out('scrape_started', {
        source: str(data.source),
        expected_duration_seconds: num(data.expected_duration_seconds),
      });
    case 'scrape.completed':
      return out('scrape_completed', {
        source: str(data.source),
        jobs_found: num(data.jobs_found),
        new_jobs: num(data.new_jobs),
        updated_jobs: num(data.updated_jobs),
        duration_seconds: num(data.duration_seconds),
        errors: num(data.errors),
      });
  }
}

/** job-queue.md's message types. */
export type JobUpdateType = 'job_created' | 'job_started' | 'job_updated' | 'job_completed' | 'job_failed';

/** A work job with job-queue.md's status names (`pending`, `in_progress`, `completed`…). */
export type QueueJob = Fields & { readonly id: string | null; readonly status: string };

/** job-queue.md's statistics. */
export interface QueueStatsMessage {
  pending: number;
  in_progress: number;
  completed: number;
  failed: number;
  cancelled: number;
  paused: number;
  total: number;
}

const STATUS_NAMES: Readonly<Record<string, string>> = {
  queued: 'pending',
  running: 'in_progress',
  complete: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};
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
];

/** A `work.*` event as job-queue.md's `{type, job}`; undefined for other types. */
export function queueUpdate(e: JobstreamEvent): { type: JobUpdateType; job: QueueJob } | undefined {
  const data = record(e.data);
  const type: JobUpdateType | undefined =
    e.type === 'work.created'
      ? 'job_created'
      : e.type === 'work.started'
        ? Number(data.retries ?? 0) > 0
          ? 'job_updated'
          : 'job_started'
        : e.type === 'work.progress' || e.type === 'work.cancelled'
          ? 'job_updated'
          : e.type === 'work.completed'
            ? 'job_completed'
            : e.type === 'work.failed'
              ? 'job_failed'
              : undefined;
  if (!type) return undefined;
  const job: Fields = {};
  for (const field of JOB_FIELDS) job[field] = data[field] ?? null;
  const status = str(data.status) ?? '';
  return { type, job: { ...job, id: str(data.id), status: STATUS_NAMES[status] ?? status } };
}

/** `queue.stats` as job-queue.md's seven counts. */
export function queueStats(e: JobstreamEvent): QueueStatsMessage | undefined {
  if (e.type !== 'queue.stats') return undefined;
  const s = record(e.data);
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
