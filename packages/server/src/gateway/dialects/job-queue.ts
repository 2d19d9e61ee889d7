import { CloseCode, JobQueueClientMessage, JobQueueServerMessage, topics } from '@jobstream/protocol';
import type { HubEvent } from '../../hub/hub-event.js';
import { jsonFrame, pingFrame, textFrame } from '../ws-frame.js';
import type { Connection } from '../connection.js';
import {
  closeFor,
  deliver,
  readJson,
  type DialectContext,
  type DialectSession,
  type WsDialect,
} from '../dialect.js';
import { byType, TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { uvicornGoingAway } from './going-away.js';
import { JOB_QUEUE_ENCODERS, statsCounts } from './job-queue-render.js';

const PATHS = new Set(['/api/ws/jobs', '/api/ws/jobs/']);
const textPong = textFrame('pong');

/** The work queue dashboard's socket at `/api/ws/jobs`: spec/job-queue.md. */
export function createJobQueueDialect(): WsDialect {
  return {
    name: 'job-queue',
    goingAway: uvicornGoingAway,
    match: (pathname) => (PATHS.has(pathname) ? {} : null),
    open: (context) => new JobQueueSession(context),
  };
}

/** The job queue API: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const jobQueueDialect: DialectModule = {
  api: {
    id: 'jobQueue',
    address: '/api/ws/jobs',
    title: 'Job queue (spec/job-queue.md)',
    description:
      'The background work queue and its statistics, broadcast. The client’s keep-alive is the text `ping` (answered with the text `pong`) or {"type": "ping"}; anything else is ignored.',
    client: byType(JobQueueClientMessage),
    server: [byType(JobQueueServerMessage)],
    closeCodes: [],
    goingAway: uvicornGoingAway,
    query: { token: TOKEN_QUERY },
  },
  create: () => createJobQueueDialect(),
};

/**
 * One job-queue connection: no welcome (the document has none), the `queue` topic (and a signed-in
 * reader's own work) from the start.
 * Client messages: the plain text `ping` gets the plain text `pong`, a JSON `{"type":"ping"}` a JSON
 * pong; anything else is ignored, as by the original, which only ever answered pings.
 */
class JobQueueSession implements DialectSession {
  readonly #connection: Connection;
  /** The counts of the last `stats_updated` sent: the same counts are not sent again. */
  #lastCounts: Buffer | undefined;

  constructor(ctx: DialectContext) {
    this.#connection = ctx.connection;
    void this.#follow(ctx).catch((error: unknown) => closeFor(ctx.connection, error, 'internal error'));
  }

  /**
   * The queue shows anonymous work whole and a user's work redacted, which this API does not send (its
   * job is the full job object). A signed-in reader's own work comes whole from their `user:{id}`: the
   * jobs REST lists for them, each job's events on exactly one of the two topics, so none twice.
   */
  async #follow(ctx: DialectContext): Promise<void> {
    const { connection, authorizer, principal } = ctx;
    if (!(await authorizer.canRead(principal, topics.queue))) {
      connection.close(CloseCode.policy, 'not allowed to read the queue');
      return;
    }
    const own = principal.userId === null ? undefined : topics.user(principal.userId);
    const starts = [(await connection.subscribe(topics.queue, this.#sink, {})).start];
    if (own !== undefined && connection.open && (await authorizer.canRead(principal, own))) {
      starts.push((await connection.subscribe(own, this.#sink, { types: ['work.'] })).start);
    }
    if (connection.open) for (const start of starts) start();
  }

  readonly #sink = (event: HubEvent): void => {
    const encoder = JOB_QUEUE_ENCODERS.get(event.event.type);
    if (!encoder) return;
    if (event.event.type === 'queue.stats') {
      const counts = event.frame(statsCounts);
      if (counts === null || this.#lastCounts?.equals(counts)) return;
      this.#lastCounts = counts;
    }
    deliver(this.#connection, event, event.frame(encoder));
  };

  message(text: string): void {
    if (text.trim() === 'ping') {
      this.#connection.send(textPong);
      return;
    }
    // Anything else (not JSON, nested too deep, another type) is ignored, as the document has it.
    const json = readJson(text);
    if (json.ok && json.fields?.type === 'ping') {
      this.#connection.send(jsonFrame({ type: 'pong', timestamp: new Date().toISOString() }));
    }
  }

  rateLimited(): void {
    // The document has no error message; excess messages are dropped by the gateway.
  }

  heartbeat(): void {
    // Only a ping frame: the document's keep-alive is the client's own "ping".
    this.#connection.send(pingFrame, false);
  }
}
