import { CloseCode, topics } from '@jobstream/protocol';
import type { HubEvent } from '../../hub/hub-event.js';
import { jsonFrame, pingFrame, textFrame } from '../ws-frame.js';
import type { Connection } from '../connection.js';
import type { DialectContext, DialectSession, WsDialect } from '../ws-gateway.js';
import { uvicornGoingAway } from './going-away.js';
import { JOB_QUEUE_ENCODERS } from './job-queue-render.js';

const PATHS = new Set(['/api/ws/jobs', '/api/ws/jobs/']);
const textPong = textFrame('pong');

/** The work queue dashboard's socket at `/api/ws/jobs`: spec/job-queue.md. */
export const jobQueueDialect: WsDialect = {
  name: 'job-queue',
  goingAway: uvicornGoingAway,
  match: (pathname) => (PATHS.has(pathname) ? {} : null),
  open: (context) => new JobQueueSession(context),
};

/**
 * One job-queue connection: no welcome (the document has none), the `queue` topic from the start.
 * Client messages: the plain text `ping` gets the plain text `pong`, a JSON `{"type":"ping"}` a JSON
 * pong; anything else is ignored, as by the original, which only ever answered pings.
 */
class JobQueueSession implements DialectSession {
  readonly #connection: Connection;

  constructor(ctx: DialectContext) {
    this.#connection = ctx.connection;
    void this.#follow(ctx).catch(() => ctx.connection.close(CloseCode.internal, 'internal error'));
  }

  async #follow(ctx: DialectContext): Promise<void> {
    const { connection, authorizer, principal } = ctx;
    if (!(await authorizer.canRead(principal, topics.queue))) {
      connection.close(CloseCode.policy, 'not allowed to read the queue');
      return;
    }
    const result = await connection.subscribe(topics.queue, this.#sink, {});
    if (connection.open) result.start();
  }

  readonly #sink = (event: HubEvent): void => {
    const encoder = JOB_QUEUE_ENCODERS.get(event.event.type);
    if (!encoder) return;
    const frame = event.frame(encoder);
    if (frame) this.#connection.send(frame, event.fanout < 64);
  };

  message(text: string): void {
    if (text.trim() === 'ping') {
      this.#connection.send(textPong);
      return;
    }
    try {
      const msg = JSON.parse(text) as { type?: unknown } | null;
      if (msg?.type === 'ping') {
        this.#connection.send(jsonFrame({ type: 'pong', timestamp: new Date().toISOString() }));
      }
    } catch {
      // Not JSON and not "ping": ignored, like every other message the document does not name.
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
