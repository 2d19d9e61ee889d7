import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import { CloseCode } from '@jobstream/protocol';
import { api } from './helpers/api.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { spawnServer, startServer, type TestServer } from './helpers/server.js';
import { SseClient } from './helpers/sse-client.js';
import { waitFor } from './helpers/store-backends.js';
import { publish, TestClient, type Message } from './helpers/ws-client.js';

// A resume whose replay is larger than the send buffer: it flows as the client reads, so that a client
// can catch up from any seq the history holds, on every transport, while the topic goes on.

const redisUnreachable = await redisSkip();
const KiB = 1024;
const tick = 'x'.repeat(2 * KiB);
const description = 'y'.repeat(50_000); // the most a posting's description may hold

/** The history of two topics: 1,000 events of 2 KiB on `bulk`, 20 postings of 50 KB on `postings`. */
async function seed(server: TestServer): Promise<void> {
  for (let i = 1; i <= 1000; i++) {
    await server.server.hub.publish({ topic: 'bulk', type: 'bulk.tick', data: { i, tick } });
  }
  for (let i = 1; i <= 20; i++) await createPosting(server.url, i);
}

async function createPosting(url: string, i: number): Promise<void> {
  const created = await api(url)('POST', '/api/v1/jobs', {
    company: `Company ${i}`,
    job_title: `Engineer ${i}`,
    job_description: description,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** What is published while a client resumes: more of the same, over the public APIs. */
async function publishMeanwhile(url: string, topic: string): Promise<void> {
  if (topic === 'postings') {
    for (let i = 21; i <= 24; i++) await createPosting(url, i);
    return;
  }
  for (let i = 0; i < 40; i++) {
    const answer = await publish(url, { topic, type: 'bulk.tick', data: { live: i, tick } });
    assert.equal(answer.status, 200);
  }
}

const latestSeq = async (server: TestServer, topic: string): Promise<number> =>
  (await server.server.broker.history(topic, undefined)).seq;
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Resumes `/ws` from seq 0 while events are published; the seqs received, once caught up. */
async function resumeOverWs(t: TestContext, server: TestServer, topic: string): Promise<number[]> {
  const client = await TestClient.connect(t, `${server.wsUrl}/ws`);
  const cut = client.closed.then((c) => assert.fail(`closed with ${c.code} ${c.reason}`));
  cut.catch(() => {}); // raced below; this only keeps the close at the end from counting as unhandled
  const subscribed = client.subscribe(topic, { since: 0 });
  const meanwhile = publishMeanwhile(server.url, topic);
  meanwhile.catch(() => {});
  const answer = await Promise.race([subscribed, cut]);
  assert.equal(answer.recovered, true);
  await meanwhile;
  const total = await latestSeq(server, topic);
  await Promise.race([client.next('event', (m) => m.seq === total, 60_000), cut]);
  client.ws.terminate();
  return client.events(topic).map((m) => Number(m.seq));
}

/** The same over SSE (`?since=0`). */
async function resumeOverSse(server: TestServer, topic: string): Promise<number[]> {
  const sse = new SseClient(`${server.url}/api/v1/events?topics=${topic}&since=0`);
  try {
    const ended = sse.ended.then(() => assert.fail(`the stream ended: ${JSON.stringify(sse.events.at(-1))}`));
    ended.catch(() => {});
    await publishMeanwhile(server.url, topic);
    const total = await latestSeq(server, topic);
    await Promise.race([sse.waitFor((e) => e.id === `${topic}@${total}`, 60_000), ended]);
    const subscribed = sse.events.find((e) => e.event === 'subscribed');
    assert.equal((JSON.parse(subscribed?.data ?? '{}') as { recovered?: boolean }).recovered, true);
    return sse.events
      .filter((e) => e.id !== undefined)
      .map((e) => (JSON.parse(e.data) as Message).seq as number);
  } finally {
    sse.close();
  }
}

/** The same over long-poll: one poll after another, each from the last one's seq. */
async function resumeOverPoll(server: TestServer, topic: string, maxBytes: number): Promise<number[]> {
  let publishing = true;
  const meanwhile = publishMeanwhile(server.url, topic).finally(() => (publishing = false));
  const seqs: number[] = [];
  let since = 0;
  let polls = 0;
  for (; polls < 500; polls++) {
    const res = await fetch(`${server.url}/api/v1/events/poll?topic=${topic}&since=${since}&timeout=1`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const answer = JSON.parse(text) as { seq: number; recovered: boolean; events: { seq: number }[] };
    assert.equal(answer.recovered, true);
    // Bounded: at most the send buffer's worth, and one event more (the first always fits).
    const largest = Math.max(0, ...answer.events.map((e) => JSON.stringify(e).length));
    assert.ok(Buffer.byteLength(text) <= maxBytes + largest + 512, `a poll answered ${text.length} bytes`);
    seqs.push(...answer.events.map((e) => e.seq));
    since = answer.seq;
    if (!publishing && since === (await latestSeq(server, topic))) break;
  }
  await meanwhile;
  assert.ok(polls >= 2, 'the replay came in several answers');
  return seqs;
}

async function everyTransportResumes(t: TestContext, server: TestServer, maxBytes: number): Promise<void> {
  await seed(server);
  for (const topic of ['bulk', 'postings']) {
    const ws = await resumeOverWs(t, server, topic);
    assert.deepEqual(ws, upTo(await latestSeq(server, topic)), `/ws ${topic}: every event once, in order`);
    const sse = await resumeOverSse(server, topic);
    assert.deepEqual(sse, upTo(await latestSeq(server, topic)), `SSE ${topic}: every event once, in order`);
    const poll = await resumeOverPoll(server, topic, maxBytes);
    assert.deepEqual(poll, upTo(await latestSeq(server, topic)), `poll ${topic}: every event once, in order`);
  }
}

const timeout = 120_000; // a bound for a slow machine, not an expectation

test(
  'a replay larger than the default send buffer (1 MiB) resumes from seq 0 on /ws, SSE and long-poll',
  { timeout },
  async (t) => {
    const server = await startServer(t, { HISTORY_SIZE: '2000' });
    await everyTransportResumes(t, server, server.config.sendBufferBytes);
  },
);

test(
  'with a small send buffer (128 KiB) too: the replay flows through it as the client reads',
  { timeout },
  async (t) => {
    const server = await startServer(t, { HISTORY_SIZE: '2000', SEND_BUFFER_BYTES: String(128 * KiB) });
    await everyTransportResumes(t, server, 128 * KiB);
  },
);

test('the Redis broker replays page by page as well', { skip: redisUnreachable, timeout }, async (t) => {
  const server = await startServer(t, {
    HISTORY_SIZE: '2000',
    SEND_BUFFER_BYTES: String(128 * KiB),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix(t),
  });
  for (let i = 1; i <= 1000; i++) {
    await server.server.hub.publish({ topic: 'bulk', type: 'bulk.tick', data: { i, tick } });
  }
  assert.deepEqual(await resumeOverWs(t, server, 'bulk'), upTo(await latestSeq(server, 'bulk')));
  assert.deepEqual(await resumeOverSse(server, 'bulk'), upTo(await latestSeq(server, 'bulk')));
});

/** A `/ws` client that has subscribed from `since` and stopped reading. */
async function stalledResume(t: TestContext, wsUrl: string, topic: string, since: number) {
  const ws = new WebSocket(`${wsUrl}/ws`);
  t.after(() => ws.terminate());
  const seqs: number[] = [];
  let subscribed!: () => void;
  const isSubscribed = new Promise<void>((resolve) => (subscribed = resolve));
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Message;
    if (message.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', topic, since }));
    if (message.type === 'subscribed') subscribed();
    if (message.type === 'event') seqs.push(Number(message.seq));
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await Promise.race([
    isSubscribed,
    closed.then((code) => assert.fail(`closed with ${code} before subscribed`)),
  ]);
  const socket = (ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  return { seqs, closed, resume: () => socket.resume() };
}

test(
  'a client that stops reading mid-replay is waited for; one that falls further behind than it may hold is cut with 4008',
  { timeout },
  async (t) => {
    // 200 events of 60 KiB (12 MiB): more than the kernel's socket buffers take, so the replay stalls.
    const server = await spawnServer(t, { HISTORY_SIZE: '200', SEND_BUFFER_BYTES: String(64 * KiB) });
    const wsUrl = server.url.replace(/^http/, 'ws');
    const big = 'z'.repeat(60 * KiB);
    for (let i = 1; i <= 200; i++) {
      assert.equal(
        (await publish(server.url, { topic: 'big', type: 'big.one', data: { i, big } })).status,
        200,
      );
    }
    const openConnections = async () =>
      ((await (await fetch(`${server.url}/api/v1/stats`)).json()) as { connections: { total: number } })
        .connections.total;

    // Stalled while 50 more arrive (fewer than the 200 it may hold): once it reads again, it has it all.
    const patient = await stalledResume(t, wsUrl, 'big', 0);
    for (let i = 201; i <= 250; i++) {
      assert.equal((await publish(server.url, { topic: 'big', type: 'big.one', data: { i } })).status, 200);
    }
    assert.equal(await openConnections(), 1, 'a stalled replay is not a slow consumer');
    patient.resume();
    await waitFor(() => patient.seqs.length >= 200, 30_000, 'the whole replay');
    await waitFor(() => patient.seqs.at(-1) === 250, 30_000, 'the live events after it');
    assert.deepEqual(patient.seqs, upTo(250));

    // Stalled while more arrive than it may hold: let go of with 4008 (it would resume from its seq).
    // History holds 51–250 now: from 50, a replay of 150 big events and 50 small ones.
    const behind = await stalledResume(t, wsUrl, 'big', 50);
    let seq = 250;
    const pad = 'p'.repeat(KiB);
    while ((await openConnections()) === 2 && seq < 700) {
      const answer = await publish(server.url, { topic: 'big', type: 'big.one', data: { i: ++seq, pad } });
      assert.equal(answer.status, 200);
    }
    assert.equal(await openConnections(), 1, `still held after ${seq - 250} live events`);
    behind.resume();
    assert.equal(await behind.closed, CloseCode.slowConsumer);
    const got = behind.seqs;
    assert.ok(got.length < 200, `cut during its replay (it got ${got.length} events)`);
    assert.deepEqual(
      got,
      upTo(got.length).map((n) => n + 50),
      'what it got is in order, with no gap',
    );
  },
);
