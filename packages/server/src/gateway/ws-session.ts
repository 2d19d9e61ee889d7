import type { WebSocket } from 'ws';
import { CloseCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../logger.js';
import { Connection } from './connection.js';
import type { FlushScheduler } from './flush-scheduler.js';
import { HeldMessages } from './held-messages.js';
import { RateLimiter, type RateVerdict } from './rate-limiter.js';
import type { ConnectionRegistry } from './registry.js';
import type { DialectSession, GatewayLimits, WsDialect } from './dialect-contract.js';
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

const SESSION = Symbol('jobstream.wsSession');
/** A socket tagged with its session, so that one set of listeners serves every socket. */
type TaggedSocket = WebSocket & { [SESSION]?: WsSession };

/**
 * Wires a socket to a connection at once, so that nothing the client sends while it is being
 * authenticated is lost: messages wait (at most MAX_HELD_MESSAGES) until the dialect's session opens.
 * Every inbound message passes the connection's rate limit first.
 */
export function startSession(ws: WebSocket, dialect: WsDialect, deps: SessionDeps): PendingSession {
  const session = new WsSession(ws, dialect, deps);
  (ws as TaggedSocket)[SESSION] = session;
  ws.on('message', onSocketMessage);
  ws.on('pong', onSocketPong);
  ws.on('close', onSocketClose);
  return session;
}

// The listeners are shared by every socket (`this` is the socket): closures per socket would cost each
// idle connection memory.
function onSocketMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  (this as TaggedSocket)[SESSION]?.received(data);
}

function onSocketPong(this: WebSocket): void {
  const session = (this as TaggedSocket)[SESSION];
  if (session) session.connection.lastSeen = Date.now();
}

function onSocketClose(this: WebSocket): void {
  (this as TaggedSocket)[SESSION]?.connection.dispose();
}

/** One socket's side of its session: the rate limit, the messages held until it opens, the guard. */
class WsSession implements PendingSession {
  readonly connection: Connection;
  readonly #deps: SessionDeps;
  readonly #endpoint: string;
  readonly #limiter: RateLimiter;
  #session: DialectSession | undefined;
  /** Messages that arrived before the session opened; undefined once it has (or before any came). */
  #early: string[] | undefined;
  #held: HeldMessages | undefined;
  #opened = false;
  #limitedEarly = false;
  #flooded = false;

  constructor(ws: WebSocket, dialect: WsDialect, deps: SessionDeps) {
    const { limits } = deps;
    this.#deps = deps;
    this.#endpoint = dialect.name;
    this.connection = new Connection(new WsTransport(ws), deps.scheduler, deps.hub, {
      endpoint: dialect.name,
      sendBufferBytes: limits.sendBufferBytes,
      goingAway: dialect.goingAway,
      traffic: deps.registry.traffic.of(dialect.name),
    });
    this.#limiter = new RateLimiter(limits.rateLimitPerSec, limits.rateLimitBurst);
  }

  received(data: Buffer | ArrayBuffer | Buffer[]): void {
    const connection = this.connection;
    connection.lastSeen = Date.now();
    connection.traffic.received(
      Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength,
    );
    if (this.#flooded) return;
    const verdict = this.#limiter.take();
    if (verdict !== 'ok') return this.#refused(verdict);
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (this.#opened) this.#handle(text);
    else if ((this.#held ??= new HeldMessages()).hold(text)) (this.#early ??= []).push(text);
    else this.#refused(this.#limiter.refuse());
  }

  open(create: (connection: Connection) => DialectSession): void {
    const connection = this.connection;
    try {
      this.#session = create(connection);
    } catch (error) {
      this.#deps.logger.error({ err: error, endpoint: this.#endpoint }, 'dialect failed to open');
      connection.close(CloseCode.internal, 'internal error');
      return;
    }
    const opened = this.#session;
    if (!connection.open) return; // the dialect refused it while opening
    this.#deps.registry.add(connection, opened);
    this.#opened = true;
    const queued = this.#early ?? [];
    this.#early = undefined;
    this.#held = undefined;
    for (const text of queued) this.#handle(text);
    if (this.#limitedEarly) this.#guarded(() => opened.rateLimited());
    if (this.#flooded) this.#closeFlooded();
  }

  /** The session could not take a message (too many waiting): it counts as over the rate limit. */
  get refused(): () => void {
    return () => this.#refused(this.#limiter.refuse());
  }

  #handle(text: string): void {
    const session = this.#session;
    if (session) this.#guarded(() => session.message(text));
  }

  // A dialect that throws must not take the process with it (ws would rethrow from its socket).
  #guarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#deps.logger.error({ err: error, endpoint: this.#endpoint }, 'dialect message handler threw');
    }
  }

  /** A message refused: over the rate, or too many waiting. The client is told at most once a second. */
  #refused(verdict: Exclude<RateVerdict, 'ok'>): void {
    this.connection.traffic.rateLimited++;
    if (verdict === 'limited') {
      const session = this.#session;
      if (session) this.#guarded(() => session.rateLimited());
      else this.#limitedEarly = true;
    } else if (verdict === 'flood' && !this.#flooded) {
      this.#flooded = true;
      // A client still being authenticated is told in its dialect once the session opens.
      if (this.#session) this.#closeFlooded();
    }
  }

  // The rate_limited error the protocol promises goes out before the 1008: a turn for dialects that
  // answer in order (behind their welcome, say), then what is queued is flushed by the close.
  #closeFlooded(): void {
    setImmediate(() => this.connection.close(CloseCode.policy, 'message rate exceeded'));
  }
}
