import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CanonicalEvent } from '@jobstream/protocol';
import { ErrorCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import type { FrameEncoder, HubEvent } from '../hub/hub-event.js';
import { AppError } from '../errors.js';
import type { Authorizer, Principal } from '../auth/principal.js';
import { Connection } from './connection.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { ConnectionRegistry } from './registry.js';
import { SseTransport } from './sse-transport.js';

export interface SseRequest {
  readonly topics: readonly string[];
  /** Where to resume, per topic (from `Last-Event-ID` or `?since=`). */
  readonly since: ReadonlyMap<string, number>;
  readonly types: readonly string[] | undefined;
  /** Headers decided upstream (CORS), sent with the stream's own. */
  readonly headers?: Readonly<Record<string, string | number | readonly string[] | undefined>>;
}

export interface SseDeps {
  readonly hub: Hub;
  readonly authorizer: Authorizer;
  readonly registry: ConnectionRegistry;
  readonly scheduler: FlushScheduler;
  readonly sendBufferBytes: number;
}

/** `event:` and `data:` lines of an event, rendered once per event for every SSE client. */
const sseBody: FrameEncoder = (e: CanonicalEvent) =>
  Buffer.from(
    `event: ${e.type}\ndata: ${JSON.stringify({ topic: e.topic, seq: e.seq, event: e.type, ts: e.ts, data: e.data })}\n\n`,
  );
/** The whole frame for a one-topic stream, whose id is the event's own `topic@seq`. */
const sseFrame: FrameEncoder = (e: CanonicalEvent) =>
  Buffer.concat([Buffer.from(`id: ${e.topic}@${e.seq}\n`), sseBody(e) ?? Buffer.alloc(0)]);

/**
 * Parses a resume cursor: `topic@seq`, or several joined by `,` (what a multi-topic stream sends as
 * its event ids). Unknown parts are ignored.
 */
export function parseCursor(cursor: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (cursor ?? '').split(',')) {
    const at = part.lastIndexOf('@');
    if (at <= 0) continue;
    const seq = Number(part.slice(at + 1));
    if (Number.isSafeInteger(seq) && seq >= 0) out.set(part.slice(0, at).trim(), seq);
  }
  return out;
}

/**
 * Streams topics as Server-Sent Events over an already-authorized response. A one-topic stream's event
 * ids are `topic@seq`; a stream of several topics sends the cursor of all of them (`a@3,b@7`, the
 * event's own topic first), so that `Last-Event-ID` resumes every topic.
 */
export async function openSseStream(
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  request: SseRequest,
  deps: SseDeps,
): Promise<void> {
  for (const topic of request.topics) {
    if (!(await deps.authorizer.canRead(principal, topic))) {
      throw new AppError(ErrorCode.forbidden, `not allowed to read ${topic}`);
    }
  }
  res.writeHead(200, {
    ...request.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const connection = new Connection(new SseTransport(res), deps.scheduler, deps.hub, {
    endpoint: 'sse',
    sendBufferBytes: deps.sendBufferBytes,
    traffic: deps.registry.traffic.of('sse'),
  });
  const keepAlive = Buffer.from(': keep-alive\n\n');
  deps.registry.add(connection, {
    heartbeat: () => {
      // No traffic comes back on SSE: the socket's close tells us the peer left.
      connection.lastSeen = Date.now();
      connection.send(keepAlive, false);
    },
  });
  res.on('close', () => connection.dispose());
  // A stream ends when its credential lapses, as a socket does (SseTransport says why: token_expired).
  connection.expireAt(principal.expiresAt);
  connection.endWhen(principal.revoked);
  req.socket.setNoDelay(true);
  connection.send(Buffer.from('retry: 2000\n\n'));

  const single = request.topics.length === 1;
  const cursor = new Map<string, number>();
  const sink = (event: HubEvent): void => {
    const e = event.event;
    if (single) {
      const frame = event.frame(sseFrame);
      if (frame) connection.send(frame, event.fanout < 64);
      return;
    }
    cursor.delete(e.topic);
    const rest = [...cursor].map(([t, s]) => `,${t}@${s}`).join('');
    cursor.set(e.topic, e.seq);
    const body = event.frame(sseBody);
    if (body)
      connection.send(
        Buffer.concat([Buffer.from(`id: ${e.topic}@${e.seq}${rest}\n`), body]),
        event.fanout < 64,
      );
  };
  for (const topic of request.topics) {
    if (!connection.open) return;
    const since = request.since.get(topic);
    const result = await connection.subscribe(topic, sink, { since, types: request.types });
    if (!connection.open) return;
    cursor.set(topic, result.recovered ? (since ?? result.seq) : result.seq);
    const info = { topic, seq: result.seq, epoch: result.epoch, recovered: result.recovered };
    connection.send(Buffer.from(`event: subscribed\ndata: ${JSON.stringify(info)}\n\n`));
    result.start();
  }
}
