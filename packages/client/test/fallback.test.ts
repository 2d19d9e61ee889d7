import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocketConstructor, WebSocketLike } from '../src/index.js';
import { client, dropConnections, publish, reach, sleep, startServer, until } from './helpers/jobstream.js';

/** A WebSocket that can never connect, as behind a proxy that refuses upgrades. */
const BlockedWebSocket = class implements WebSocketLike {
  readyState = 3;
  onopen = null;
  onmessage = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(_url: string) {
    setTimeout(() => {
      this.onerror?.();
      this.onclose?.({ code: 1006, reason: '' });
    }, 5);
  }
  send(): void {
    throw new Error('not open');
  }
  close(): void {}
} satisfies WebSocketConstructor;

/** fetch, except that event streams fail (a proxy that buffers or cuts them). */
const noStreams: typeof fetch = (input, init) =>
  (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).includes(
    '/api/v1/events?',
  )
    ? Promise.reject(new TypeError('blocked'))
    : fetch(input, init);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('WebSocket blocked: the client falls back to SSE and still sees every event once, across drops', async (t) => {
  const server = await startServer(t);
  const c = client(t, { url: server.url, WebSocket: BlockedWebSocket, initialDelayMs: 20, maxDelayMs: 50 });
  const postings: number[] = [];
  const scrapes: number[] = [];
  c.subscribe('postings', (e) => postings.push(e.seq));
  await reach(c, 'open', 5000);
  assert.equal(c.transport, 'sse');
  await sleep(100);
  // A second topic joins the same stream (it is reopened from each topic's last seq).
  c.subscribe('scrapes', (e) => scrapes.push(e.seq));
  for (let i = 1; i <= 60; i++) {
    await publish(server.url, 'postings', 'posting.created');
    if (i === 30) {
      dropConnections(server, undefined, 'sse');
      await reach(c, 'reconnecting');
    }
    if (i === 32) await reach(c, 'open', 5000);
    if (i % 15 === 0) await publish(server.url, 'scrapes', 'scrape.started');
  }
  await until(() => postings.length >= 60 && scrapes.length >= 4, 'every event', 8000);
  await sleep(100);
  assert.deepEqual(postings, range(1, 60));
  assert.deepEqual(scrapes, range(1, 4));
  assert.ok(
    c.changes.filter((s) => s.newState === 'reconnecting' && s.reason.transport === 'sse').length >= 1,
  );
  assert.equal(c.transport, 'sse');
});

test('WebSocket and SSE blocked: long-polling carries every event once, in order', async (t) => {
  const server = await startServer(t);
  const c = client(t, {
    url: server.url,
    WebSocket: BlockedWebSocket,
    fetch: noStreams,
    initialDelayMs: 20,
    maxDelayMs: 50,
  });
  const seen: number[] = [];
  const off = c.subscribe('postings', (e) => seen.push(e.seq));
  await until(
    () => c.transport === 'long-poll' && c.state === 'open' && c.cursor('postings') !== undefined,
    'long-poll',
  );
  const sends = range(1, 40).map(() => publish(server.url, 'postings', 'posting.created'));
  await Promise.all(sends);
  await until(() => seen.length === 40, 'every event', 5000);
  assert.deepEqual(seen, range(1, 40));
  off();
  await publish(server.url, 'postings', 'posting.created');
  await sleep(100);
  assert.equal(seen.length, 40, 'nothing after unsubscribing');
});

test('over HTTP a forbidden topic is an error for that topic only', async (t) => {
  const server = await startServer(t);
  const c = client(t, { url: server.url, WebSocket: BlockedWebSocket, initialDelayMs: 20, maxDelayMs: 50 });
  const errors: string[] = [];
  c.on('error', (e) => errors.push(`${e.code} ${e.ref ?? ''}`));
  const seen: number[] = [];
  c.subscribe('postings', (e) => seen.push(e.seq));
  c.subscribe('user:someone-else', () => assert.fail('no events for a forbidden topic'));
  await until(() => errors.length === 1, 'the error');
  assert.deepEqual(errors, ['forbidden user:someone-else']);
  await until(() => c.cursor('postings') !== undefined, 'postings subscribed');
  await publish(server.url, 'postings', 'posting.created');
  await until(() => seen.length === 1, 'the event');
  assert.equal(c.transport, 'sse');
});
