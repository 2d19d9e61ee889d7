import type { WebSocket } from 'ws';
import { CloseCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../logger.js';
import { Connection } from './connection.js';
import type { FlushScheduler } from './flush-scheduler.js';
import { HeldMessages } from './held-messages.js';
import { RateLimiter, type RateVerdict } from './rate-limiter.js';
import type { ConnectionRegistry } from './registry.js';
import type { DialectSession, GatewayLimits, WsDialect } from './ws-gateway.js';
import { WsTransport } from './ws-transport.js';

export interface SessionDeps {
  readonly hub: Hub;
  readonly registry: ConnectionRegistry;
  readonly scheduler: FlushScheduler;
  readonly logger: Logger;
  readonly limits: GatewayLimits;
}

/** A socket whose client is being authenticated; `open` hands it to its dialect's session. */
export interface PendingSession {
  open(create: (connection: Connection) => DialectSession): void;
  /** The session could not take a message (too many waiting): it counts as over the rate limit. */
  readonly refused: () => void;
}

/**
 * Wires a socket to a connection at once, so that nothing the client sends while it is being
 * authenticated is lost: messages wait (at most MAX_HELD_MESSAGES) until the dialect's session opens.
 * Every inbound message passes the connection's rate limit first.
 */
export function startSession(ws: WebSocket, dialect: WsDialect, deps: SessionDeps): PendingSession {
  const { limits } = deps;
  const endpoint = dialect.name;
  const connection = new Connection(new WsTransport(ws), deps.scheduler, deps.hub, {
    endpoint,
    sendBufferBytes: limits.sendBufferBytes,
    goingAway: dialect.goingAway,
    traffic: deps.registry.traffic.of(endpoint),
  });
  const { traffic } = connection;
  const limiter = new RateLimiter(limits.rateLimitPerSec, limits.rateLimitBurst);
  let session: DialectSession | undefined;
  let early: string[] | undefined = [];
  const held = new HeldMessages();
  let limitedEarly = false;
  let flooded = false;
  // A dialect that throws must not take the process with it (ws would rethrow from its socket).
  const guarded = (run: () => void): void => {
    try {
      run();
    } catch (error) {
      deps.logger.error({ err: error, endpoint }, 'dialect message handler threw');
    }
  };
  const handle = (text: string): void => guarded(() => session?.message(text));
  /** A message refused: over the rate, or too many waiting. The client is told at most once a second. */
  const refused = (verdict: Exclude<RateVerdict, 'ok'>): void => {
    traffic.rateLimited++;
    if (verdict === 'limited') {
      if (session) guarded(() => session?.rateLimited());
      else limitedEarly = true;
    } else if (verdict === 'flood' && !flooded) {
      flooded = true;
      // A client still being authenticated is told in its dialect once the session opens.
      if (session) closeFlooded();
    }
  };
  // The rate_limited error the protocol promises goes out before the 1008: a turn for dialects that
  // answer in order (behind their welcome, say), then what is queued is flushed by the close.
  const closeFlooded = (): void => {
    setImmediate(() => connection.close(CloseCode.policy, 'message rate exceeded'));
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    connection.lastSeen = Date.now();
    traffic.received(Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength);
    if (flooded) return;
    const verdict = limiter.take();
    if (verdict !== 'ok') return refused(verdict);
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (!early) handle(text);
    else if (held.hold(text)) early.push(text);
    else refused(limiter.refuse());
  });
  ws.on('pong', () => {
    connection.lastSeen = Date.now();
  });
  ws.on('close', () => connection.dispose());
  return {
    open(create) {
      try {
        session = create(connection);
      } catch (error) {
        deps.logger.error({ err: error, endpoint }, 'dialect failed to open');
        connection.close(CloseCode.internal, 'internal error');
        return;
      }
      const opened = session;
      if (!connection.open) return; // the dialect refused it while opening
      deps.registry.add(connection, () => opened.heartbeat());
      const queued = early ?? [];
      early = undefined;
      for (const text of queued) handle(text);
      if (limitedEarly) guarded(() => opened.rateLimited());
      if (flooded) closeFlooded();
    },
    refused: () => refused(limiter.refuse()),
  };
}
