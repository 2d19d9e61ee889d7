import type { CanonicalEvent } from '@jobstream/protocol';
import { EventTypes, topics } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';
import type { JobFeedEvent } from './job-feed-messages.js';

/**
 * Renders canonical events as job-feed.md's messages: `{type, timestamp, data}` plus `event_id` (the
 * canonical `topic@seq`, for de-duplication). Each encoder is a module-level constant, so the hub
 * renders an event once for every job-feed connection.
 */

/** An ISO 8601 UTC time ending in `+00:00`, as the original (Python's isoformat) wrote it. */
export function isoUtc(at: number | string = Date.now()): string {
  const date = new Date(at);
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  return valid.toISOString().replace(/Z$/, '+00:00');
}

/** A server message of the document's envelope. */
export function envelope(type: string, data: Record<string, unknown>, timestamp = isoUtc()): Buffer {
  return jsonFrame({ type, timestamp, data });
}

type Fields = Record<string, unknown>;

function record(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Canonical posting field names → the document's names, where they differ. The rest (company,
 * location, source, skills_required, is_active) keep their names.
 */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  job_title: 'title',
  job_url: 'url',
  job_description: 'description',
};

function frameOf(type: JobFeedEvent, e: CanonicalEvent, data: Fields): Buffer {
  return jsonFrame({ type, timestamp: isoUtc(e.ts), data, event_id: e.id });
}

/**
 * A posting's score (0–1). A posting has none of its own: it is read from the event (`data.score`) or
 * its posting (`data.posting.score`), where a producer adds one, else null.
 */
function scoreOf(data: Fields, posting: Fields): number | null {
  return num(data.score) ?? num(posting.score);
}

/** `posting.created` {posting, score?} → `new_job` {job_id, title, company, location, score, url}. */
export const newJobFrame: FrameEncoder = (e) => {
  const data = record(e.data);
  const posting = record(data.posting);
  return frameOf('new_job', e, {
    job_id: num(posting.id),
    title: str(posting.job_title),
    company: str(posting.company),
    location: str(posting.location),
    score: scoreOf(data, posting),
    url: str(posting.job_url),
  });
};

/** `posting.updated` {posting, changes, score?} → `job_updated` {job_id, changes, new_score}. */
export const jobUpdatedFrame: FrameEncoder = (e) => {
  const data = record(e.data);
  const posting = record(data.posting);
  const changes = Array.isArray(data.changes) ? data.changes.filter((c) => typeof c === 'string') : [];
  return frameOf('job_updated', e, {
    job_id: num(posting.id),
    changes: changes.map((field) => FIELD_NAMES[field] ?? field),
    new_score: scoreOf(data, posting),
  });
};

/** `scrape.started` {source, expected_duration_seconds} → `scrape_started`, same fields. */
export const scrapeStartedFrame: FrameEncoder = (e) => {
  const data = record(e.data);
  return frameOf('scrape_started', e, {
    source: str(data.source),
    expected_duration_seconds: num(data.expected_duration_seconds),
  });
};

/**
 * `scrape.completed` {source, jobs_found, new_jobs, updated_jobs, duration_seconds, errors (a count)}
 * → `scrape_completed`, same fields.
 */
export const scrapeCompletedFrame: FrameEncoder = (e) => {
  const data = record(e.data);
  return frameOf('scrape_completed', e, {
    source: str(data.source),
    jobs_found: num(data.jobs_found),
    new_jobs: num(data.new_jobs),
    updated_jobs: num(data.updated_jobs),
    duration_seconds: num(data.duration_seconds),
    errors: num(data.errors),
  });
};

/** How one canonical event type reaches job-feed clients. */
export interface JobFeedRoute {
  readonly topic: string;
  readonly wire: JobFeedEvent;
  readonly encoder: FrameEncoder;
}

/** Canonical event type → its job-feed rendering; other types are not part of this API. */
export const JOB_FEED_ROUTES: ReadonlyMap<string, JobFeedRoute> = new Map([
  [EventTypes.postingCreated, { topic: topics.postings, wire: 'new_job', encoder: newJobFrame }],
  [EventTypes.postingUpdated, { topic: topics.postings, wire: 'job_updated', encoder: jobUpdatedFrame }],
  ['scrape.started', { topic: topics.scrapes, wire: 'scrape_started', encoder: scrapeStartedFrame }],
  ['scrape.completed', { topic: topics.scrapes, wire: 'scrape_completed', encoder: scrapeCompletedFrame }],
]);

/** The topic that carries each job-feed event type. */
export const TOPIC_OF: Readonly<Record<JobFeedEvent, string>> = {
  new_job: topics.postings,
  job_updated: topics.postings,
  scrape_started: topics.scrapes,
  scrape_completed: topics.scrapes,
};

let lastBeat: { at: number; frame: Buffer } | undefined;

/**
 * The `heartbeat` message. The registry beats every connection in one loop, so the frame is built once
 * per millisecond that loop spans, not once per connection.
 */
export function heartbeatFrame(now = Date.now()): Buffer {
  if (lastBeat?.at !== now) lastBeat = { at: now, frame: envelope('heartbeat', {}, isoUtc(now)) };
  return lastBeat.frame;
}
