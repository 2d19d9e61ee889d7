import type { CanonicalEvent, MatchingEventData, Published } from '@jobstream/protocol';
import { CloseCode, MatchingStreamMessage } from '@jobstream/protocol';
import type { FrameEncoder, HubEvent } from '../../hub/hub-event.js';
import type { Connection } from '../connection.js';
import type { RunEvent, RunEvents } from '../run-events.js';
import { pingFrame, textFrame } from '../ws-frame.js';
import { closeFor, deliver, type DialectContext, type DialectSession, type WsDialect } from '../dialect.js';
import { TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { daphneGoingAway } from './going-away.js';

const path = /^\/ws\/matching-jobs\/([^/]+)\/?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kept events read per store query while a run is replayed. */
const PAGE = 200;

/** A live matching event's data as published: the event, and the id of the update it is kept as. */
type Kept = Published<MatchingEventData>;

/** The data of a live event, if it is an object. */
const keptData = (e: CanonicalEvent): Kept | null =>
  typeof e.data === 'object' && e.data !== null ? e.data : null;

/**
 * A matching event as its document sends it: the event's own payload, plus `event_id` (the id it is
 * kept under, as `/api/matching-jobs/{id}/updates/` lists it: the same whether replayed or live).
 */
const matchingFrame: FrameEncoder = (e: CanonicalEvent) => {
  const data = keptData(e);
  if (data === null) return null;
  const { update_id: id, ...event } = data;
  return textFrame(JSON.stringify({ ...event, event_id: typeof id === 'number' ? String(id) : e.id }));
};

/** A kept event's frame: its JSON (an object) with `event_id` added, as {@link matchingFrame} has it. */
const keptFrame = (kept: RunEvent): Buffer =>
  textFrame(`${kept.payload.slice(0, kept.payload.lastIndexOf('}'))},"event_id":"${kept.id}"}`);

/**
 * matching-job-stream.md at `/ws/matching-jobs/{job_id}`: broadcast-only. A client sees the run from
 * its first event, whenever it connects (after the run ended, after a restart, whatever the run's size):
 * the events the run kept are replayed from the store as the socket takes them, then its `work:{id}`
 * topic goes on live, with no gap and no duplicate at the hand-off. A job_id that is not a UUID, does
 * not exist or is not the caller's is closed with 4001 after the upgrade, so that a browser sees the code.
 */
export function createMatchingDialect(deps: { readonly runEvents: RunEvents }): WsDialect {
  return {
    name: 'matching',
    goingAway: daphneGoingAway,
    match: (pathname) => {
      const id = path.exec(pathname)?.[1];
      return id === undefined ? null : { jobId: decodeURIComponent(id) };
    },
    open: (ctx) => new MatchingSession(ctx, deps.runEvents),
  };
}

/** The matching job stream: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const matchingDialect: DialectModule = {
  api: {
    id: 'matchingJob',
    address: '/ws/matching-jobs/{job_id}',
    title: 'Matching job stream (spec/matching-job-stream.md)',
    description:
      'One matching run, stage by stage, from its first event whenever the client connects. Broadcast only: what the client sends is ignored. A job_id that is not a UUID, does not exist or is not the caller’s is closed with 4001.',
    client: null,
    server: [MatchingStreamMessage],
    closeCodes: [],
    goingAway: daphneGoingAway,
    parameters: { job_id: 'the matching run’s id (a UUID)' },
    query: { token: TOKEN_QUERY },
  },
  // A run is replayed from the events it kept: whatever its size, and across restarts.
  create: ({ runEvents }) => createMatchingDialect({ runEvents }),
};

class MatchingSession implements DialectSession {
  readonly #connection: Connection;
  /** The last kept event replayed from the store; live events up to it were sent already. */
  #replayed = 0;

  constructor(ctx: DialectContext, runEvents: RunEvents) {
    this.#connection = ctx.connection;
    const jobId = ctx.params.jobId ?? '';
    this.#open(ctx, jobId.toLowerCase(), runEvents).catch((error: unknown) =>
      closeFor(this.#connection, error, 'the run could not be read'),
    );
  }

  async #open(ctx: DialectContext, jobId: string, runEvents: RunEvents): Promise<void> {
    const { connection } = ctx;
    const topic = `work:${jobId}`;
    if (!uuid.test(jobId) || !(await ctx.authorizer.canRead(ctx.principal, topic))) {
      connection.close(CloseCode.authFailed, 'invalid job_id');
      return;
    }
    const sink = (event: HubEvent): void => {
      const id = keptData(event.event)?.update_id;
      if (typeof id === 'number' && id <= this.#replayed) return;
      deliver(connection, event, event.frame(matchingFrame));
    };
    // Live events are held from here on; what was kept before comes from the store, then the held ones.
    const live = await connection.subscribe(topic, sink, { types: ['matching.'] });
    for (let more = true; more && connection.open;) {
      const page = await runEvents.after(jobId, this.#replayed, PAGE);
      for (const kept of page) {
        await connection.whenReady();
        if (!connection.open) return;
        connection.replay(keptFrame(kept));
        this.#replayed = kept.id;
      }
      more = page.length === PAGE;
    }
    live.start();
  }

  /** Inbound messages are ignored, as the document says. */
  message(): void {}

  rateLimited(): void {}

  /** No heartbeat message of its own; a ping frame finds dead peers. */
  heartbeat(): void {
    this.#connection.send(pingFrame, false);
  }
}
