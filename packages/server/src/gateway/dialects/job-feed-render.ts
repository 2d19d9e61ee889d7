import type { CanonicalEvent } from '@jobstream/protocol';
import { EventTypes, jobFeedData, topics } from '@jobstream/protocol';
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

/**
 * One job-feed message per canonical event, in the document's shape (the mapping is the protocol
 * package's, shared with the SDK's `useWebSocket`).
 */
const feedFrame: FrameEncoder = (e: CanonicalEvent) => {
  const message = jobFeedData(e.type, e.data);
  if (!message) return null;
  return jsonFrame({ type: message.type, timestamp: isoUtc(e.ts), data: message.data, event_id: e.id });
};

/** `posting.created` {posting, score?} → `new_job` {job_id, title, company, location, score, url}. */
export const newJobFrame: FrameEncoder = feedFrame;
/** `posting.updated` {posting, changes, score?} → `job_updated` {job_id, changes, new_score}. */
export const jobUpdatedFrame: FrameEncoder = feedFrame;
/** `scrape.started` {source, expected_duration_seconds} → `scrape_started`, same fields. */
export const scrapeStartedFrame: FrameEncoder = feedFrame;
/**
 * `scrape.completed` {source, jobs_found, new_jobs, updated_jobs, duration_seconds, errors (a count)}
 * → `scrape_completed`, same fields.
 */
export const scrapeCompletedFrame: FrameEncoder = feedFrame;

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
