import type { ClientMessage, ServerMessage } from '@jobstream/protocol';

/** The transports the client can speak, best first. */
export type TransportName = 'websocket' | 'sse' | 'long-poll';

/** The part of a WebSocket the client uses: the browser's and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: (() => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What a transport is given for one connection. */
export interface TransportContext {
  /** The server's HTTP base URL, without a trailing slash (`https://jobs.example.com`). */
  readonly base: string;
  /** The current token (it changes when the client refreshes it). */
  readonly token: () => string | undefined;
  readonly fetch: typeof fetch;
  /** A WebSocket constructor; when absent, the runtime's (or, in Node, `ws`). */
  readonly WebSocket: WebSocketConstructor | undefined;
  /** How long an idle HTTP stream may be silent (the server's heartbeat). */
  readonly heartbeatMs: number;
}

/** What a transport reports. Only the connection that is current is listened to. */
export interface TransportEvents {
  /** A native protocol message; HTTP transports make the same ones (welcome, subscribed, event, error). */
  message(message: ServerMessage): void;
  /** Traffic of any kind came in: the peer is alive. */
  alive(): void;
  /** The connection is gone, with a close code, a reason, and the server's retry hint in ms, if any. */
  close(code: number, reason: string, retryMs?: number): void;
}

/**
 * One connection over one transport, speaking the native protocol to the client's core. A transport
 * takes `subscribe`/`unsubscribe` at once after it is made (it holds them until it can act), says
 * `welcome` once it is usable, and reports `close` once, never after its own `close()`.
 */
export interface Transport {
  readonly name: TransportName;
  /** Longest silence before the connection counts as dead (the server's heartbeat); 0: not watched. */
  readonly heartbeatMs: number;
  /** Sends a message; false when this transport cannot carry it now. */
  send(message: ClientMessage): boolean;
  close(): void;
}

export type TransportFactory = (context: TransportContext, events: TransportEvents) => Transport;

/** A close code for a failed HTTP answer: auth failures keep their WebSocket meaning. */
export function httpCloseCode(status: number, message: string): number {
  if (status === 401) return /expired/.test(message) ? 4004 : /malformed/.test(message) ? 4003 : 4001;
  return status === 429 ? 4029 : 1011;
}

/** Seconds of a `Retry-After` header, in ms. */
export const retryAfter = (response: Response): number | undefined => {
  const s = Number(response.headers.get('retry-after'));
  return s > 0 ? s * 1000 : undefined;
};

/** The `{error: {code, message}}` body of a failed answer, as far as it can be read. */
export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return { code: body.error?.code ?? 'http', message: body.error?.message ?? `HTTP ${response.status}` };
  } catch {
    return { code: 'http', message: `HTTP ${response.status}` };
  }
}

/** The topic a `forbidden` message names (`not allowed to read user:7`). */
export const forbiddenTopic = (message: string): string | undefined => /read (\S+)$/.exec(message)?.[1];

export const authHeaders = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};
