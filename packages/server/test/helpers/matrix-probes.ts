import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { RawSocket, typed, type Frame } from './raw-socket.js';
import { SseClient } from './sse-client.js';

/**
 * What one request or connection came to, as the authorization matrix states it: an HTTP status, or
 * for a WebSocket `open` (its first documented frame arrived) or the close code it got, or for a native
 * subscribe `subscribed` / `forbidden`.
 */
export type Outcome = number | 'open' | 'subscribed' | 'forbidden';

export interface ProbeTarget {
  readonly t: TestContext;
  readonly url: string;
  readonly wsUrl: string;
}

const authHeader = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

/**
 * A REST call; every error answer must be in the documented `{error: {code, message}}` shape, and an
 * expired token's 401 must say `token_expired`, so that a client knows to refresh.
 */
export async function restProbe(
  target: ProbeTarget,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  expired = false,
): Promise<Outcome> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: { ...authHeader(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    assert.equal(typeof error?.code, 'string', `${method} ${path}: error shape: ${text}`);
    assert.equal(typeof error?.message, 'string', `${method} ${path}: error shape: ${text}`);
    if (expired && res.status === 401) assert.equal(error?.code, 'token_expired', `${method} ${path}`);
  }
  return res.status;
}

/** An SSE stream of `topics`: its status, and for 200 only once its `subscribed` event arrived. */
export async function sseProbe(
  target: ProbeTarget,
  token: string | undefined,
  topics: string,
): Promise<Outcome> {
  const client = new SseClient(`${target.url}/api/v1/events?topics=${topics}`, authHeader(token));
  target.t.after(() => client.close());
  await Promise.race([client.ended, client.waitFor((e) => e.event === 'subscribed', 10_000)]);
  client.close();
  return client.status;
}

/** A native `/ws` connection that subscribes to `topic`: the close code, or the subscribe's answer. */
export async function nativeProbe(
  target: ProbeTarget,
  token: string | undefined,
  topic: string,
): Promise<Outcome> {
  const socket = new RawSocket(target.t, `${target.wsUrl}/ws${query(token)}`);
  const first = await socket.frameOrClose(typed('welcome'));
  if (first !== 'frame') return first;
  socket.send({ type: 'subscribe', topic });
  const answer = (topicOf: (f: Frame) => boolean) => socket.waitFor(topicOf);
  const outcome = await Promise.race([
    answer((f) => typed('subscribed')(f) && (f as { topic?: unknown }).topic === topic).then(
      () => 'subscribed' as const,
    ),
    answer((f) => typed('error')(f) && (f as { ref?: unknown }).ref === topic).then(
      (f) => (f as { code: string }).code as Outcome,
    ),
    socket.closed.then((c) => c.code),
  ]);
  socket.ws.close();
  return outcome;
}

/**
 * A connection to a documented endpoint: `open` once the frame that says it is live arrives (`kick` is
 * sent first, for endpoints that only answer), else its close code.
 */
export async function socketProbe(
  target: ProbeTarget,
  token: string | undefined,
  path: string,
  live: (frame: Frame) => boolean,
  kick?: string,
): Promise<Outcome> {
  const joiner = path.includes('?') ? '&' : '?';
  const q = query(token);
  const socket = new RawSocket(target.t, `${target.wsUrl}${path}${q === '' ? '' : joiner + q.slice(1)}`);
  if (kick !== undefined) socket.send(kick);
  const outcome = await socket.frameOrClose(live);
  socket.ws.close();
  return outcome === 'frame' ? 'open' : outcome;
}

function query(token: string | undefined): string {
  return token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
}
