import type { ClientMessage, ErrorMessage, ServerMessage } from '@jobstream/protocol';
import type { EventTypeName, JobstreamEvent, TopicEvent } from './events.js';
import type { TransportFactory, TransportName, WebSocketConstructor } from './transports/transport.js';

/** `connecting` (first time), `open`, `reconnecting` (lost, or waiting to retry), `closed` (for good). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Why the state changed: `connect` (an attempt began), `open`, `closed` (the connection closed or
 * could not open; `code` says how), `heartbeat` (the server went silent), `auth` (credentials refused:
 * terminal), `terminal` (another close code that forbids retrying), `retries` (gave up after
 * `maxRetries`), `user` (`close()` was called).
 */
export type ReasonKind =
  'connect' | 'open' | 'closed' | 'heartbeat' | 'auth' | 'terminal' | 'retries' | 'user';

export interface StateReason {
  readonly kind: ReasonKind;
  readonly message: string;
  /** The close code, when a connection closed. */
  readonly code?: number;
  /** When reconnecting: which attempt comes next (1, 2…), and in how many ms. */
  readonly attempt?: number;
  readonly delayMs?: number;
  /** The transport concerned. */
  readonly transport?: TransportName;
}

export interface StateChange {
  readonly newState: ConnectionState;
  readonly oldState: ConnectionState;
  readonly reason: StateReason;
}

/** What `send` did with a message. */
export type SendResult = 'sent' | 'queued' | 'dropped';

export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface ClientOptions {
  /** The server's base URL (`https://jobs.example.com`); `ws:`/`wss:` and a trailing `/ws` are accepted. */
  readonly url: string;
  /** A fixed token. A token that expires cannot be renewed: prefer `getToken`. */
  readonly token?: string;
  /** Called before every connect and again before the token expires (a JWT's `exp`). */
  readonly getToken?: TokenSource;
  /** Transports to try, best first. @default [websocket, sse, longPoll] */
  readonly transports?: readonly TransportFactory[];
  /** A WebSocket constructor. @default the runtime's, or `ws` in Node */
  readonly WebSocket?: WebSocketConstructor;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Connect at once. @default true */
  readonly autoConnect?: boolean;
  /** First reconnect delay (the backoff doubles it per attempt, with full jitter). @default 500 */
  readonly initialDelayMs?: number;
  /** @default 30000 */
  readonly maxDelayMs?: number;
  /** Reconnect attempts before giving up. @default Infinity */
  readonly maxRetries?: number;
  /** The attempt counter resets after this long connected. @default 5000 */
  readonly stableAfterMs?: number;
  /** Silence beyond the server's heartbeat interval that counts as a dead connection. @default 10000 */
  readonly heartbeatGraceMs?: number;
  /**
   * Send a `ping` this often while connected (0: never), so that a runtime that stops idle code (an
   * extension's service worker) keeps the connection. @default 20000 in a service worker, else 0
   */
  readonly keepAliveMs?: number;
  /** An attempt that is not open after this long is abandoned. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Most messages held while offline. @default 100 */
  readonly queueSize?: number;
  /** Held messages older than this are dropped. @default 60000 */
  readonly queueMaxAgeMs?: number;
  /** A topic could not be resumed: reload its state (over REST), then carry on. */
  readonly onReset?: (topic: string) => void;
}

export interface SubscribeOptions {
  /** Resume after this seq (one the app kept, with its `epoch`). @default live from now */
  readonly since?: number;
  readonly epoch?: string;
  /** Only these event types (exact, or prefixes ending in `.`); filtered on the server when it can be. */
  readonly types?: readonly string[];
  /** This subscription could not be resumed: reload state. */
  readonly onReset?: (topic: string) => void;
}

export interface ClientEvents {
  state: StateChange;
  /** A topic could not be resumed. */
  reset: string;
  /** A refused message (`forbidden` for a topic, `rate_limited`…). */
  error: ErrorMessage;
  /** Every server message, as it arrives. */
  message: ServerMessage;
}

export type Handler<T extends string> = (event: TopicEvent<T>) => void;

export interface JobstreamClient {
  readonly state: ConnectionState;
  /** The transport in use (or last tried). */
  readonly transport: TransportName | undefined;
  /**
   * Whom the server takes this client for, as its WebSocket welcome said: a user id, null when
   * anonymous, undefined before the first welcome (or over SSE and long-poll, which do not say).
   */
  readonly userId: string | null | undefined;
  /**
   * Calls `handler` with every event of `topic`, exactly once and in order, across reconnects.
   * Returns the function that ends the subscription.
   */
  subscribe<T extends string>(topic: T, handler: Handler<T>, options?: SubscribeOptions): () => void;
  /** Sends a native message now, or holds it (bounded) until the connection is back. */
  send(message: ClientMessage): SendResult;
  /** Listens to a client event; returns the function that stops listening. */
  on<K extends keyof ClientEvents>(type: K, listener: (value: ClientEvents[K]) => void): () => void;
  /** Where a topic stands (to keep, and pass back as `since`/`epoch` later). */
  cursor(topic: string): { seq: number; epoch: string | undefined } | undefined;
  connect(): void;
  /** Closes the connection for good (until `connect()`); subscriptions are kept. */
  close(): void;
}

export type { EventTypeName, JobstreamEvent };
