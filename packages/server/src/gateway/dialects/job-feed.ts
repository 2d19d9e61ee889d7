import {
  ErrorCode,
  JOB_FEED_CLIENT_TYPES,
  JOB_FEED_EVENTS,
  JobFeedClientMessage,
  JobFeedServerMessage,
  MAX_FILTER_NAMES,
  recordOf,
  topics,
  type AnalysisCompletedData,
  type JobFeedSubscribe,
  type Posting,
  type PostingCreatedData,
  type Published,
} from '@jobstream/protocol';
import type { HubEvent } from '../../hub/hub-event.js';
import { version } from '../../version.js';
import { TOO_DEEP } from '../client-json.js';
import {
  closeFor,
  deliver,
  parseMessage,
  SerialQueue,
  sessionContext,
  sharedFrame,
  type SessionContext,
  type DialectContext,
  type DialectSession,
  type WsDialect,
} from '../dialect.js';
import { pingFrame } from '../ws-frame.js';
import { byType, TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { uvicornGoingAway } from './going-away.js';
import { JobFeedRateLimit, rateLimitMessage } from './job-feed-rate-limit.js';
import {
  envelope,
  isoUtc,
  JOB_FEED_NAMES,
  jobFeedFrame,
  SCORE_EVENT,
  TOPIC_OF,
  withScore,
} from './job-feed-render.js';

const PATHS = new Set(['/api/v1/ws/jobs', '/api/v1/ws/jobs/']);
/** The topics a job-feed connection may draw on, in the order they are subscribed. */
const FEED_TOPICS = [topics.postings, topics.scrapes] as const;
/** Most postings whose score a connection remembers (for later events of the same posting). */
const MAX_SCORES = 1000;

/** JobSentinel's feed of postings and scrape runs at `/api/v1/ws/jobs`: spec/job-feed.md. */
export function createJobFeedDialect(): WsDialect {
  // The registry beats every connection in one loop: the `heartbeat` message is built once per
  // millisecond that loop spans, not once per connection.
  const heartbeat = sharedFrame(1, (now) => envelope('heartbeat', {}, isoUtc(now)));
  return {
    name: 'job-feed',
    goingAway: uvicornGoingAway,
    match: (pathname) => (PATHS.has(pathname) ? {} : null),
    open: (context) => new JobFeedSession(context, heartbeat),
  };
}

/** The job feed: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const jobFeedDialect: DialectModule = {
  api: {
    id: 'jobFeed',
    address: '/api/v1/ws/jobs',
    title: 'Job feed (spec/job-feed.md)',
    description: 'New and updated postings and scrape runs, filtered by type.',
    client: byType(JobFeedClientMessage),
    server: [byType(JobFeedServerMessage)],
    closeCodes: [],
    goingAway: uvicornGoingAway,
    query: { token: TOKEN_QUERY },
  },
  create: () => createJobFeedDialect(),
};

/**
 * One job-feed connection. The server chooses its topics (the client names event types, not topics):
 * `connected` is sent once they are live, so every event after it arrives. Client messages are handled
 * one at a time, in order, because a `subscribe` waits for the hub.
 */
class JobFeedSession implements DialectSession {
  readonly #ctx: SessionContext;
  readonly #limit = new JobFeedRateLimit();
  /** The event types this connection wants; null for all of them. */
  #filter: ReadonlySet<string> | null = null;
  /** Set-up, then each client message (and rate-limit answer) in turn. */
  readonly #queue: SerialQueue;
  readonly #heartbeat: () => Buffer;
  /** The reader's own score (0–1) of postings analysed while connected, newest last, bounded. */
  readonly #scores = new Map<number, number>();

  constructor(ctx: DialectContext, heartbeat: () => Buffer) {
    this.#ctx = sessionContext(ctx);
    this.#heartbeat = heartbeat;
    const setUp = this.#follow()
      .then(() => {
        ctx.connection.send(envelope('connected', { message: 'Connected to Jobstream', version }));
      })
      // Without its topics the connection is useless: close it, so that the client reconnects.
      .catch((error: unknown) => closeFor(ctx.connection, error, 'internal error'));
    this.#queue = new SerialQueue(setUp, (error) => this.#fail(error));
  }

  message(text: string): void {
    const refusal = this.#limit.take();
    if (refusal) {
      const message = rateLimitMessage(refusal);
      const answer = () =>
        this.#error(message, ErrorCode.rateLimited, { retry_after_seconds: refusal.retryAfterSeconds });
      // In turn after the replies before it; at once (out of turn) when too much is waiting already.
      if (!this.#queue.then(answer, '')) answer();
      return;
    }
    if (!this.#queue.then(() => this.#handle(text), text)) this.#ctx.refused();
  }

  rateLimited(): void {
    const answer = () => this.#error(rateLimitMessage(null), ErrorCode.rateLimited);
    if (!this.#queue.then(answer, '')) answer();
  }

  heartbeat(): void {
    // The ping frame makes dead peers visible (a live one answers it by itself); the message is the
    // document's keep-alive, sent on a fixed schedule whatever the filter.
    this.#ctx.connection.send(pingFrame, false);
    this.#ctx.connection.send(this.#heartbeat(), false);
  }

  async #handle(text: string): Promise<void> {
    const parsed = parseMessage(text, JobFeedClientMessage);
    if (!parsed.ok) {
      if (parsed.reason === 'invalid_json') this.#error('Invalid JSON', ErrorCode.invalidJson);
      else if (parsed.reason === 'too_deep') this.#error(`Message ${TOO_DEEP}`, ErrorCode.invalidMessage);
      else this.#error(describeInvalid(parsed.fields), ErrorCode.invalidMessage);
      return;
    }
    const msg = parsed.message;
    switch (msg.type) {
      case 'ping':
        this.#ctx.connection.send(envelope('pong', {}));
        return;
      case 'pong':
        return;
      case 'subscribe':
        await this.#subscribe(msg);
        return;
    }
  }

  async #subscribe(msg: JobFeedSubscribe): Promise<void> {
    const names = msg.events;
    this.#filter = names.length === 0 || names.includes('all') ? null : new Set(names);
    await this.#follow();
    const events = names.length === 0 ? ['all'] : names;
    this.#ctx.connection.send(envelope('subscribed', { events }));
  }

  /**
   * Subscribes the topics the filter needs and drops the others, so that a publish touches only the
   * connections that want it. Within a topic the sink filters by type; changing that is immediate.
   */
  async #follow(): Promise<void> {
    const { connection, authorizer, principal } = this.#ctx;
    const filter = this.#filter;
    const wanted = new Set(
      JOB_FEED_EVENTS.filter((name) => filter === null || filter.has(name)).map((name) => TOPIC_OF[name]),
    );
    for (const topic of FEED_TOPICS) {
      if (!wanted.has(topic)) {
        connection.unsubscribe(topic);
        continue;
      }
      if (connection.has(topic) || !(await authorizer.canRead(principal, topic))) continue;
      const result = await connection.subscribe(topic, this.#sink, {});
      if (!connection.open) return;
      result.start();
    }
    await this.#followScores(filter === null || filter.has('job_updated'));
  }

  /**
   * A signed-in reader's scores: their analyses, from their own `user:{id}` (spec/README: `score` is the
   * connection's user's latest analysis score for the posting). Anonymous readers have none: null.
   */
  async #followScores(wanted: boolean): Promise<void> {
    const { connection, authorizer, principal } = this.#ctx;
    if (principal.userId === null) return;
    const own = topics.user(principal.userId);
    if (!wanted) {
      connection.unsubscribe(own);
      return;
    }
    if (connection.has(own) || !(await authorizer.canRead(principal, own))) return;
    const result = await connection.subscribe(own, this.#sink, { types: [SCORE_EVENT] });
    if (connection.open) result.start();
  }

  readonly #sink = (event: HubEvent): void => {
    const { type, topic, data } = event.event;
    const name = JOB_FEED_NAMES.get(type);
    if (name === undefined) return;
    const scored = type === SCORE_EVENT;
    if (scored ? !topic.startsWith('user:') : TOPIC_OF[name] !== topic) return;
    if (this.#filter !== null && !this.#filter.has(name)) return;
    if (scored) this.#remember(data);
    // Most readers have no score of their own (anonymous ones never): they take the shared frame at once.
    const score = scored || this.#scores.size === 0 ? undefined : this.#scores.get(postingId(data) ?? -1);
    deliver(
      this.#ctx.connection,
      event,
      score === undefined ? event.frame(jobFeedFrame) : withScore(event.event, score),
    );
  };

  #remember(data: unknown): void {
    const analysis: Published<AnalysisCompletedData> = recordOf(data);
    const { job_id: id, match_score: match } = analysis;
    if (typeof id !== 'number' || typeof match !== 'number') return;
    this.#scores.delete(id);
    this.#scores.set(id, Math.round(match * 10) / 1000);
    if (this.#scores.size <= MAX_SCORES) return;
    const oldest = this.#scores.keys().next();
    if (!oldest.done) this.#scores.delete(oldest.value);
  }

  #error(message: string, code: string, extra: Record<string, unknown> = {}): void {
    this.#ctx.connection.send(envelope('error', { message, code, ...extra }));
  }

  #fail(_error: unknown): void {
    // The hub or the authorizer failed; the client hears of it and may retry its subscribe.
    this.#error('Internal error', ErrorCode.internal);
  }
}

/** The posting a `posting.*` event is about. */
function postingId(data: unknown): number | undefined {
  const event: Published<PostingCreatedData> = recordOf(data);
  const posting: Published<Posting> = recordOf(event.posting);
  return typeof posting.id === 'number' ? posting.id : undefined;
}

/** A plain sentence naming what is wrong with a message that parsed as JSON. */
function describeInvalid(fields: Readonly<Record<string, unknown>> | null): string {
  if (fields === null) return 'Message must be a JSON object';
  const { type } = fields;
  if (typeof type !== 'string') return 'Message must have a string "type"';
  if (!JOB_FEED_CLIENT_TYPES.includes(type)) return `Unknown message type: ${type.slice(0, 100)}`;
  return `Invalid ${type} message: "events" must be a list of at most ${MAX_FILTER_NAMES} event type names`;
}
