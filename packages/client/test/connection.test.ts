import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { createTokenService } from '../../server/src/auth/tokens.js';
import { signUp } from '../../server/test/helpers/api.js';
import { websocket } from '../src/index.js';
import type { ServerMessage } from '@jobstream/protocol';
import {
  client,
  dropConnections,
  proxy,
  publish,
  reach,
  sleep,
  startServer,
  until,
} from './helpers/jobstream.js';

const SECRET = 'client-test-secret-of-sufficient-length-0123456789';

/** A signed-up user and a way to mint short-lived tokens for them. */
async function shortLivedTokens(url: string, ttlSeconds: number) {
  const user = await signUp(url, `u${Math.random().toString(36).slice(2, 8)}`, 'job_seeker');
  const tokens = await createTokenService({ jwtSecret: SECRET, dataDir: tmpdir(), ttlSeconds });
  let minted = 0;
  return {
    user,
    get minted() {
      return minted;
    },
    async next(): Promise<string> {
      minted++;
      return (await tokens.sign({ id: user.id, role: 'job_seeker' })).token;
    },
  };
}

test('a malformed token (4003) and failed authentication (4001) are terminal and say so', async (t) => {
  const server = await startServer(t, { AUTH_REQUIRED: 'true', JWT_SECRET: SECRET });
  for (const [token, code] of [
    ['not-a-jwt', 4003],
    [undefined, 4001],
  ] as const) {
    const c = client(t, { url: server.url, ...(token ? { token } : {}), initialDelayMs: 10 });
    await reach(c, 'closed');
    const last = c.changes.at(-1)!;
    assert.equal(last.reason.kind, 'auth');
    assert.equal(last.reason.code, code);
    assert.match(last.reason.message, /authentication failed/);
    await sleep(300);
    assert.equal(c.state, 'closed', 'no retry with the same credentials');
    assert.equal(c.changes.filter((s) => s.newState === 'reconnecting').length, 0);
  }
});

test('getToken is called again before the token expires: a live connection never lapses', async (t) => {
  const server = await startServer(t, { JWT_SECRET: SECRET });
  const tokens = await shortLivedTokens(server.url, 2);
  const c = client(t, { url: server.url, getToken: () => tokens.next() });
  const seen: number[] = [];
  c.subscribe(`user:${tokens.user.id}`, (e) => seen.push(e.seq));
  const refreshed: ServerMessage[] = [];
  c.on('message', (m) => m.type === 'refreshed' && refreshed.push(m));
  await reach(c, 'open');
  await sleep(3500); // beyond the first token's life (at most 2 s)
  assert.equal(c.state, 'open');
  assert.deepEqual(
    c.changes.map((s) => s.newState),
    ['connecting', 'open'],
    'one connection, never closed by its token lapsing',
  );
  assert.ok(refreshed.length >= 2, `the token was refreshed (${refreshed.length} times)`);
  await publish(server.url, `user:${tokens.user.id}`, 'notification', {});
  await until(() => seen.length === 1, 'an event for the user');
});

test('4004 (token expired): getToken is awaited again and the connection resumes; a fixed token cannot', async (t) => {
  const server = await startServer(t, { JWT_SECRET: SECRET });
  const tokens = await shortLivedTokens(server.url, 3600);
  const c = client(t, { url: server.url, getToken: () => tokens.next() });
  const seen: number[] = [];
  const topic = `user:${tokens.user.id}`;
  c.subscribe(topic, (e) => seen.push(e.seq));
  await reach(c, 'open');
  await sleep(50);
  await publish(server.url, topic, 'notification');
  await until(() => seen.length === 1, 'the first event');
  dropConnections(server, 4004);
  await publish(server.url, topic, 'notification');
  await until(() => seen.length === 2, 'the event sent while it reconnected');
  assert.deepEqual(seen, [1, 2]);
  assert.equal(tokens.minted, 2, 'a new token for the new connection');
  const reconnect = c.changes.find((s) => s.newState === 'reconnecting');
  assert.equal(reconnect?.reason.code, 4004);
  assert.equal(reconnect?.reason.delayMs, 0, 'at once');

  const expiring = await shortLivedTokens(server.url, 1);
  const fixed = client(t, { url: server.url, token: await expiring.next() });
  await reach(fixed, 'open');
  await reach(fixed, 'closed', 3000);
  assert.equal(fixed.changes.at(-1)?.reason.kind, 'auth');
  assert.equal(fixed.changes.at(-1)?.reason.code, 4004);
});

test('a server that stops answering is detected by its missing heartbeat; the client resumes', async (t) => {
  const server = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const link = await proxy(t, server.url);
  const c = client(t, { url: link.url, heartbeatGraceMs: 300, initialDelayMs: 20, maxDelayMs: 50 });
  const seen: number[] = [];
  c.subscribe('postings', (e) => seen.push(e.seq));
  await reach(c, 'open');
  await sleep(50);
  await publish(server.url, 'postings', 'posting.created');
  await until(() => seen.length === 1, 'the first event');
  link.freeze();
  await publish(server.url, 'postings', 'posting.created');
  await reach(c, 'reconnecting', 3000);
  const lost = c.changes.at(-1)!;
  assert.equal(lost.reason.kind, 'heartbeat');
  link.pass();
  await reach(c, 'open', 3000);
  await until(() => seen.length === 2, 'the event sent while the link was frozen');
  assert.deepEqual(seen, [1, 2]);
});

test('the wall clock, not only timers: after a sleep the connection is checked at once', async (t) => {
  const server = await startServer(t); // 30 s heartbeats: no timer would notice for 40 s
  const c = client(t, { url: server.url, initialDelayMs: 20 });
  await reach(c, 'open');
  const realNow = Date.now;
  const jump = 120_000;
  Date.now = () => realNow() + jump; // the machine slept for two minutes
  try {
    await reach(c, 'reconnecting', 2500);
  } finally {
    Date.now = realNow;
  }
  assert.equal(c.changes.at(-1)?.reason.kind, 'heartbeat');
  await reach(c, 'open');
});

test('messages sent while offline wait in a bounded queue, by count and age, and go out on reconnect', async (t) => {
  const server = await startServer(t);
  const link = await proxy(t, server.url);
  link.refuse();
  const c = client(t, {
    url: link.url,
    transports: [websocket],
    queueSize: 3,
    queueMaxAgeMs: 300,
    initialDelayMs: 20,
    maxDelayMs: 50,
  });
  let pongs = 0;
  c.on('message', (m) => m.type === 'pong' && pongs++);
  assert.equal(c.send({ type: 'ping' }), 'queued');
  assert.equal(c.send({ type: 'ping' }), 'queued');
  await sleep(400); // both are now too old
  const results = [1, 2, 3, 4].map(() => c.send({ type: 'ping' }));
  assert.deepEqual(results, ['queued', 'queued', 'queued', 'dropped']);
  link.pass();
  await reach(c, 'open');
  await sleep(200);
  assert.equal(pongs, 3, 'the three fresh messages were sent, the stale and the dropped were not');
  assert.equal(c.send({ type: 'ping' }), 'sent');
  c.close();
  assert.equal(c.send({ type: 'ping' }), 'dropped', 'a closed client holds nothing');
});

test('the attempt counter grows while connections fail quickly and resets only after a stable one', async (t) => {
  const server = await startServer(t);
  const c = client(t, { url: server.url, initialDelayMs: 20, maxDelayMs: 1000, stableAfterMs: 400 });
  await reach(c, 'open');
  const attempts: number[] = [];
  for (let i = 0; i < 4; i++) {
    dropConnections(server, 1001);
    await reach(c, 'reconnecting');
    const reason = c.changes.at(-1)!.reason;
    attempts.push(reason.attempt!);
    assert.ok(reason.delayMs! < 20 * 2 ** i, `delay ${reason.delayMs} within the attempt's window`);
    await reach(c, 'open', 3000);
  }
  assert.deepEqual(attempts, [1, 2, 3, 4]);
  await sleep(500);
  dropConnections(server, 1001);
  await reach(c, 'reconnecting');
  assert.equal(c.changes.at(-1)!.reason.attempt, 1, 'reset after a stable connection');
});

test("the server's retry hint is honoured", async (t) => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.after(() => wss.close());
  const times: number[] = [];
  wss.on('connection', (ws) => {
    times.push(Date.now());
    ws.close(1013, 'try again later; retry_ms=600');
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  const c = client(t, { url: `http://127.0.0.1:${port}`, transports: [websocket], initialDelayMs: 10 });
  await until(() => times.length >= 2, 'a second attempt', 3000);
  c.close();
  const gap = times[1]! - times[0]!;
  assert.ok(gap >= 600 && gap < 900, `waited ${gap} ms`);
});

test('coming back online retries at once instead of waiting out the backoff', async (t) => {
  const server = await startServer(t);
  const link = await proxy(t, server.url);
  link.refuse();
  const events = new EventTarget();
  const g = globalThis as unknown as Record<string, unknown>;
  g.addEventListener = events.addEventListener.bind(events);
  g.removeEventListener = events.removeEventListener.bind(events);
  t.after(() => {
    delete g.addEventListener;
    delete g.removeEventListener;
  });
  const c = client(t, { url: link.url, transports: [websocket], initialDelayMs: 60_000, maxDelayMs: 60_000 });
  await until(
    () => c.changes.some((s) => s.newState === 'reconnecting' && s.reason.delayMs! > 1000),
    'a long wait',
  );
  link.pass();
  const before = Date.now();
  events.dispatchEvent(new Event('online'));
  await reach(c, 'open', 1000);
  assert.ok(Date.now() - before < 500);
});
