import type { CanonicalEvent, JobFeedEvent } from '@jobstream/protocol';
import { EventTypes, jobFeedData, topics } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';

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
 * package's, shared with the SDK's `useWebSocket`): `posting.created` → `new_job`, `posting.updated` →
 * `job_updated`, `scrape.started` / `scrape.completed` → `scrape_started` / `scrape_completed`.
 */
export const jobFeedFrame: FrameEncoder = (e: CanonicalEvent) => {
  const message = jobFeedData(e.type, e.data);
  if (!message) return null;
  return jsonFrame({ type: message.type, timestamp: isoUtc(e.ts), data: message.data, event_id: e.id });
};

/**
 * A posting event with the connection's user's own score for it (0–1): `score` of `new_job`, `new_score`
 * of `job_updated`. Built per connection, only for a posting that user has an analysis of.
 */
export function withScore(e: CanonicalEvent, score: number): Buffer | null {
  const message = jobFeedData(e.type, e.data);
  if (!message) return null;
  const data = { ...message.data, [message.type === 'new_job' ? 'score' : 'new_score']: score };
  return jsonFrame({ type: message.type, timestamp: isoUtc(e.ts), data, event_id: e.id });
}

/** A user's analysis of a posting, on their `user:{id}`: job-feed's `job_updated` with the new score. */
export const SCORE_EVENT = 'analysis.completed';

/** Canonical event type → its job-feed name (for the `subscribe {events}` filter); others are not sent. */
export const JOB_FEED_NAMES: ReadonlyMap<string, JobFeedEvent> = new Map([
  [EventTypes.postingCreated, 'new_job'],
  [EventTypes.postingUpdated, 'job_updated'],
  [SCORE_EVENT, 'job_updated'],
  ['scrape.started', 'scrape_started'],
  ['scrape.completed', 'scrape_completed'],
]);

/** The topic that carries each job-feed event type (and a signed-in reader's `user:{id}` their scores). */
export const TOPIC_OF: Readonly<Record<JobFeedEvent, string>> = {
  new_job: topics.postings,
  job_updated: topics.postings,
  scrape_started: topics.scrapes,
  scrape_completed: topics.scrapes,
};
