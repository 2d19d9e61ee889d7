import type { CanonicalEvent } from '@jobstream/protocol';
import { CloseCode } from '@jobstream/protocol';
import type { FrameEncoder, HubEvent } from '../../hub/hub-event.js';
import type { Connection } from '../connection.js';
import { pingFrame, textFrame } from '../ws-frame.js';
import type { DialectContext, DialectSession, WsDialect } from '../ws-gateway.js';
import { daphneGoingAway } from './going-away.js';

const path = /^\/ws\/matching-jobs\/([^/]+)\/?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A matching event as its document sends it: the event's own payload, plus `event_id`. */
const matchingFrame: FrameEncoder = (e: CanonicalEvent) =>
  typeof e.data === 'object' && e.data !== null
    ? textFrame(JSON.stringify({ ...e.data, event_id: e.id }))
    : null;

/**
 * matching-job-stream.md at `/ws/matching-jobs/{job_id}`: broadcast-only. The run's events come from
 * its `work:{id}` topic, from the start of its history, so a client that connects after the run began
 * still sees it all in order. A job_id that is not a UUID, does not exist or is not the caller's is
 * closed with 4001 after the upgrade, so that a browser sees the code.
 */
export const matchingDialect: WsDialect = {
  name: 'matching',
  goingAway: daphneGoingAway,
  match: (pathname) => {
    const id = path.exec(pathname)?.[1];
    return id === undefined ? null : { jobId: decodeURIComponent(id) };
  },
  open: (ctx) => new MatchingSession(ctx),
};

class MatchingSession implements DialectSession {
  readonly #connection: Connection;

  constructor(ctx: DialectContext) {
    this.#connection = ctx.connection;
    const jobId = ctx.params.jobId ?? '';
    void this.#open(ctx, jobId);
  }

  async #open(ctx: DialectContext, jobId: string): Promise<void> {
    const { connection } = ctx;
    const topic = `work:${jobId.toLowerCase()}`;
    if (!uuid.test(jobId) || !(await ctx.authorizer.canRead(ctx.principal, topic))) {
      connection.close(CloseCode.authFailed, 'invalid job_id');
      return;
    }
    const sink = (event: HubEvent): void => {
      const frame = event.frame(matchingFrame);
      if (frame) connection.send(frame, event.fanout < 64);
    };
    const result = await connection.subscribe(topic, sink, { since: 0, types: ['matching.'] });
    result.start();
  }

  /** Inbound messages are ignored, as the document says. */
  message(): void {}

  rateLimited(): void {}

  /** No heartbeat message of its own; a ping frame finds dead peers. */
  heartbeat(): void {
    this.#connection.send(pingFrame, false);
  }
}
