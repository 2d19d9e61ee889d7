import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBroker } from '../src/hub/memory-broker.js';
import { startServer } from './helpers/server.js';
import { publish, sleep, TestClient } from './helpers/ws-client.js';

/** A small seeded PRNG (mulberry32), so that a failing round can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A client that is cut off at random moments and resumes with `since` and `epoch`: it must see every
 * seq exactly once, in order.
 */
async function resumingClient(
  t: Parameters<typeof TestClient.connect>[0],
  wsUrl: string,
  topic: string,
  total: number,
  random: () => number,
): Promise<number[]> {
  const seen: number[] = [];
  let epoch: string | undefined;
  while (seen.length === 0 || seen.at(-1)! < total) {
    const client = await TestClient.connect(t, `${wsUrl}/ws`);
    const since = seen.at(-1) ?? 0;
    const subscribed = await client.subscribe(topic, { since, ...(epoch ? { epoch } : {}) });
    assert.equal(subscribed.recovered, true, `resume from ${since} recovered`);
    epoch = String(subscribed.epoch);
    const lifetime = 5 + random() * 60;
    const deadline = Date.now() + lifetime;
    let read = 0;
    while (Date.now() < deadline && (seen.at(-1) ?? 0) < total) {
      const events = client.events(topic);
      for (; read < events.length; read++) seen.push(Number(events[read]!.seq));
      await sleep(1 + random() * 4);
    }
    const events = client.events(topic);
    // What arrived before the cut counts; anything in flight is lost with the socket, as in real life.
    for (; read < events.length; read++) seen.push(Number(events[read]!.seq));
    client.ws.terminate();
  }
  return seen;
}

test('resume: clients cut off at random moments while events flow see every event exactly once, in order', async (t) => {
  // History reads that take a few ms, as over a network, widen the replay-to-live hand-off where
  // servers lose events: events published meanwhile must be neither lost nor duplicated.
  const broker = new MemoryBroker({ maxEvents: 5000, maxAgeMs: 3_600_000 });
  const read = broker.history.bind(broker);
  broker.history = async (topic, since) => {
    const result = await read(topic, since);
    await sleep(Math.random() * 4);
    return result;
  };
  const { server, wsUrl } = await startServer(t, {}, { broker });
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const random = prng(seed);
    const topic = `resume-${seed}`;
    const total = 600;
    const publisher = (async () => {
      for (let i = 1; i <= total; i++) {
        await server.hub.publish({ topic, type: 'work.progress', data: { i } });
        if (random() < 0.2) await sleep(random() * 3);
      }
    })();
    const clients = Array.from({ length: 5 }, () => resumingClient(t, wsUrl, topic, total, random));
    const [, ...results] = await Promise.all([publisher, ...clients]);
    for (const seen of results) {
      assert.deepEqual(
        seen,
        Array.from({ length: total }, (_, i) => i + 1),
        `seed ${seed}`,
      );
    }
  }
});

test('resume with history that no longer reaches back, or another epoch, replays nothing: recovered false', async (t) => {
  const { url, wsUrl } = await startServer(t, { HISTORY_SIZE: '5' });
  for (let i = 0; i < 12; i++)
    await publish(url, { topic: 'postings', type: 'posting.created', data: { i } });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);

  const lost = await client.subscribe('postings', { since: 3 });
  assert.equal(lost.recovered, false);
  assert.equal(lost.seq, 12);
  const inReach = await client.subscribe('postings', { since: 8, epoch: lost.epoch });
  assert.equal(inReach.recovered, true);
  await client.next('event', (m) => m.seq === 12);
  const wrongEpoch = await client.subscribe('postings', { since: 10, epoch: 'not-the-epoch' });
  assert.equal(wrongEpoch.recovered, false);
  const ahead = await client.subscribe('postings', { since: 99 });
  assert.equal(ahead.recovered, false);
  await publish(url, { topic: 'postings', type: 'posting.created', data: {} });
  await client.next('event', (m) => m.seq === 13);
  assert.deepEqual(
    client.events().map((e) => e.seq),
    [9, 10, 11, 12, 13],
    'never a partial replay',
  );
});

test('a restarted broker has a new epoch: an old seq is not taken for a new one', async (t) => {
  const first = await startServer(t);
  for (let i = 0; i < 3; i++)
    await publish(first.url, { topic: 'system', type: 'system.notification', data: {} });
  const a = await TestClient.connect(t, `${first.wsUrl}/ws`);
  const before = await a.subscribe('system');
  const second = await startServer(t);
  for (let i = 0; i < 5; i++)
    await publish(second.url, { topic: 'system', type: 'system.notification', data: {} });
  const b = await TestClient.connect(t, `${second.wsUrl}/ws`);
  const after = await b.subscribe('system', { since: 3, epoch: before.epoch });
  assert.notEqual(after.epoch, before.epoch);
  assert.equal(after.recovered, false);
});

test('idle topics cost nothing: their state goes once unsubscribed and history has aged out', async (t) => {
  const { url, wsUrl, server } = await startServer(t, { HISTORY_AGE_MS: '1000' });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  // The server itself watches a few topics (new postings, for analyses): count from there.
  const baseline = server.broker.stats().topics;
  for (let i = 0; i < 50; i++) {
    await client.subscribe(`job:${i}`);
    await publish(url, { topic: `job:${i}`, type: 'work.progress', data: {} });
  }
  assert.equal(server.broker.stats().topics, baseline + 50);
  for (let i = 0; i < 50; i++) client.send({ type: 'unsubscribe', topic: `job:${i}` });
  await client.next('unsubscribed', (m) => m.topic === 'job:49');
  assert.equal(server.hub.stats().localTopics, baseline);
  await sleep(1500);
  assert.deepEqual(server.broker.stats(), { topics: baseline, historyEvents: 0 });
});
