import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import type { CanonicalEvent } from '@jobstream/protocol';
import type { Broker, HistoryLimits } from '../src/hub/broker.js';
import { Hub } from '../src/hub/hub.js';
import { MemoryBroker } from '../src/hub/memory-broker.js';
import { RedisBroker } from '../src/hub/redis-broker.js';
import { deleteKeys, redisClient, redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { slowRedis } from './helpers/slow-redis.js';
import { waitFor } from './helpers/store-backends.js';
import { sleep } from './helpers/ws-client.js';

const LIMITS: HistoryLimits = { maxEvents: 1000, maxAgeMs: 3_600_000 };

/** One broker implementation under test. */
interface Kind {
  readonly name: string;
  readonly skip: string | undefined;
  /** Hands the listener the events of unwatched topics too (the contract allows it; the hub drops them). */
  readonly deliversUnwatched: boolean;
  /** A broker closed when the test ends; brokers made with the same `shared` see the same topics. */
  make(t: TestContext, limits?: HistoryLimits, shared?: string): Promise<Broker>;
}

const redisUnreachable = await redisSkip();

const memory: Kind = {
  name: 'MemoryBroker',
  skip: undefined,
  deliversUnwatched: true,
  make(t, limits = LIMITS) {
    const broker = new MemoryBroker(limits);
    t.after(() => broker.close());
    return Promise.resolve(broker);
  },
};

const redis: Kind = {
  name: 'RedisBroker',
  skip: redisUnreachable,
  deliversUnwatched: false,
  async make(t, limits = LIMITS, shared) {
    const broker = await RedisBroker.connect({
      url: TEST_REDIS_URL,
      prefix: shared ?? redisPrefix(t),
      limits,
    });
    t.after(() => broker.close());
    return broker;
  },
};

/** Records what the broker's listener receives. */
function listen(broker: Broker): CanonicalEvent[] {
  const received: CanonicalEvent[] = [];
  broker.setListener((event) => received.push(event));
  return received;
}

const seqs = (events: readonly CanonicalEvent[] | null): number[] | null =>
  events === null ? null : events.map((e) => e.seq);

for (const kind of [memory, redis]) {
  describe(`broker contract: ${kind.name}`, { skip: kind.skip }, () => {
    test('publish assigns 1, 2, 3… per topic and stamps the event', async (t) => {
      const broker = await kind.make(t);
      const before = Date.now();
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(await broker.publish({ topic: 'postings', type: 'posting.created', data: { i } }));
      }
      await broker.publish({ topic: 'work:7', type: 'work.created', data: null });
      assert.deepEqual(
        outcomes.map((o) => [o.topic, o.seq, o.duplicate]),
        [
          ['postings', 1, false],
          ['postings', 2, false],
          ['postings', 3, false],
        ],
      );
      const read = await broker.history('postings', 0);
      assert.equal(read.seq, 3);
      assert.equal(typeof read.epoch, 'string');
      assert.ok(read.epoch.length > 0);
      const events = read.events ?? [];
      assert.deepEqual(
        events.map((e) => [e.id, e.topic, e.seq, e.type, e.data]),
        [
          ['postings@1', 'postings', 1, 'posting.created', { i: 0 }],
          ['postings@2', 'postings', 2, 'posting.created', { i: 1 }],
          ['postings@3', 'postings', 3, 'posting.created', { i: 2 }],
        ],
      );
      for (const event of events) {
        assert.equal(new Date(event.ts).toISOString(), event.ts, 'ts is ISO 8601 UTC');
        const at = Date.parse(event.ts);
        assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `ts ${event.ts} is now`);
      }
      assert.deepEqual(seqs((await broker.history('work:7', 0)).events), [1]);
    });

    test('history: everything after since, or null, never part of it', async (t) => {
      const broker = await kind.make(t);
      for (let i = 0; i < 4; i++) await broker.publish({ topic: 'queue', type: 'x', data: i });
      const read = (since: number | undefined) => broker.history('queue', since);
      assert.deepEqual((await read(undefined)).events, []);
      assert.equal((await read(undefined)).seq, 4);
      assert.deepEqual(seqs((await read(0)).events), [1, 2, 3, 4]);
      assert.deepEqual(seqs((await read(2)).events), [3, 4]);
      assert.deepEqual((await read(4)).events, [], 'up to date');
      assert.equal((await read(5)).events, null, 'since beyond the latest seq');
      assert.equal((await read(99)).events, null);
      // A topic never published: seq 0, and one epoch for every reader.
      const quiet = await broker.history('system', 0);
      assert.equal(quiet.seq, 0);
      assert.deepEqual(quiet.events, []);
      assert.equal((await broker.history('system', undefined)).epoch, quiet.epoch);
      assert.equal((await broker.history('system', 1)).events, null);
    });

    test('history in pages: at most limit events from since + 1, or null when the page is not all there', async (t) => {
      const broker = await kind.make(t, { maxEvents: 6, maxAgeMs: 3_600_000 });
      for (let i = 0; i < 5; i++) await broker.publish({ topic: 'queue', type: 'x', data: i });
      const page = (since: number, limit: number) =>
        broker.history('queue', since, limit).then((r) => seqs(r.events));
      assert.deepEqual(await page(0, 2), [1, 2]);
      assert.deepEqual(await page(2, 2), [3, 4]);
      assert.deepEqual(await page(4, 2), [5], 'the last page is short');
      assert.deepEqual(await page(5, 2), [], 'up to date');
      assert.deepEqual(await page(1, 10), [2, 3, 4, 5]);
      assert.equal((await broker.history('queue', 1, 2)).seq, 5, 'seq is the latest, not the page’s');
      for (let i = 5; i < 9; i++) await broker.publish({ topic: 'queue', type: 'x', data: i });
      // Six kept (4–9): a page from 2 would start at 3, which is gone.
      assert.equal(await page(2, 2), null);
      assert.equal(await page(1, 100), null);
      assert.deepEqual(await page(3, 2), [4, 5]);
      assert.deepEqual(await page(7, 5), [8, 9]);
    });

    test('history trimmed by count: a since older than what is kept gets null', async (t) => {
      const broker = await kind.make(t, { maxEvents: 5, maxAgeMs: 3_600_000 });
      for (let i = 0; i < 8; i++) await broker.publish({ topic: 'postings', type: 'x', data: i });
      const read = (since: number) => broker.history('postings', since).then((r) => seqs(r.events));
      assert.equal(await read(0), null);
      assert.equal(await read(2), null, 'event 3 is gone');
      assert.deepEqual(await read(3), [4, 5, 6, 7, 8]);
      assert.deepEqual(await read(7), [8]);
    });

    test('history trimmed by age: a since whose next event is too old gets null', async (t) => {
      // The embedded broker trims on a timer (every 100 ms here): the waits leave that much slack.
      const broker = await kind.make(t, { maxEvents: 1000, maxAgeMs: 400 });
      await broker.watch('scrapes'); // a watched topic keeps its epoch and seq
      await broker.publish({ topic: 'scrapes', type: 'x', data: 1 });
      await sleep(350);
      await broker.publish({ topic: 'scrapes', type: 'x', data: 2 });
      await sleep(200);
      // Event 1 is 550 ms old, event 2 200 ms: 1 has aged out, 2 has not.
      const first = await broker.history('scrapes', 0);
      assert.equal(first.events, null, 'event 1 is too old');
      assert.equal(first.seq, 2);
      assert.deepEqual(seqs((await broker.history('scrapes', 1)).events), [2]);
      await sleep(400);
      assert.equal((await broker.history('scrapes', 1)).events, null, 'event 2 aged out too');
      assert.deepEqual((await broker.history('scrapes', 2)).events, []);
      const next = await broker.publish({ topic: 'scrapes', type: 'x', data: 3 });
      assert.equal(next.seq, 3, 'seq goes on in the same epoch');
      assert.equal((await broker.history('scrapes', 2)).epoch, first.epoch);
      assert.deepEqual(seqs((await broker.history('scrapes', 2)).events), [3]);
      broker.unwatch('scrapes');
    });

    test('the same idempotency key publishes once and answers the first seq', async (t) => {
      const broker = await kind.make(t);
      const key = `outbox:${randomBytes(4).toString('hex')}`;
      const first = await broker.publish({ topic: 'postings', type: 'x', data: 1, idempotencyKey: key });
      await broker.publish({ topic: 'postings', type: 'x', data: 2 });
      const again = await broker.publish({ topic: 'postings', type: 'x', data: 3, idempotencyKey: key });
      assert.deepEqual(first, { topic: 'postings', seq: 1, duplicate: false });
      assert.deepEqual(again, { topic: 'postings', seq: 1, duplicate: true });
      const elsewhere = await broker.publish({ topic: 'queue', type: 'x', data: 4, idempotencyKey: key });
      assert.deepEqual(elsewhere, { topic: 'postings', seq: 1, duplicate: true }, 'keys are not per topic');
      const other = await broker.publish({
        topic: 'postings',
        type: 'x',
        data: 5,
        idempotencyKey: `${key}b`,
      });
      assert.deepEqual(other, { topic: 'postings', seq: 3, duplicate: false });
      const read = await broker.history('postings', 0);
      assert.deepEqual(
        read.events?.map((e) => e.data),
        [1, 2, 5],
      );
      assert.equal((await broker.history('queue', undefined)).seq, 0);
    });

    test('the listener gets the events of watched topics, in seq order', async (t) => {
      const broker = await kind.make(t);
      const all = listen(broker);
      const ofUser1 = () => all.filter((e) => e.topic === 'user:1');
      await broker.watch('user:1');
      const published = [];
      for (let i = 0; i < 50; i++) {
        published.push(broker.publish({ topic: i % 2 ? 'user:1' : 'user:2', type: 'x', data: i }));
      }
      await Promise.all(published);
      await waitFor(() => ofUser1().length >= 25, 5_000, '25 events of user:1');
      await sleep(50);
      const received = ofUser1();
      assert.deepEqual(
        received.map((e) => e.seq),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.equal(received[0]?.id, 'user:1@1');
      assert.deepEqual(received[0], (await broker.history('user:1', 0)).events?.[0], 'live = history');
      if (!kind.deliversUnwatched) assert.equal(all.length, 25, 'no event of an unwatched topic');
      broker.unwatch('user:1');
      await broker.publish({ topic: 'user:1', type: 'x', data: 'after' });
      await sleep(100);
      if (!kind.deliversUnwatched) assert.equal(all.length, 25, 'nothing after unwatch');
    });

    test('a watch is counted: the topic is watched until every watch() is undone', async (t) => {
      const broker = await kind.make(t);
      const received = listen(broker);
      await broker.watch('role:admin');
      await broker.watch('role:admin');
      broker.unwatch('role:admin');
      await broker.publish({ topic: 'role:admin', type: 'x', data: 1 });
      await waitFor(() => received.length === 1, 5_000, 'the event');
      broker.unwatch('role:admin');
      await broker.publish({ topic: 'role:admin', type: 'x', data: 2 });
      await sleep(100);
      if (!kind.deliversUnwatched) assert.equal(received.length, 1, 'nothing after the last unwatch');
    });
  });
}

describe('RedisBroker as a cluster', { skip: redisUnreachable }, () => {
  test('two nodes on one prefix see each other’s publishes and agree on seq and epoch', async (t) => {
    const prefix = redisPrefix(t);
    const a = await redis.make(t, LIMITS, prefix);
    const b = await redis.make(t, LIMITS, prefix);
    const atA = listen(a);
    const atB = listen(b);
    await a.watch('postings');
    await b.watch('postings');
    await a.publish({ topic: 'postings', type: 'x', data: 'from a' });
    await b.publish({ topic: 'postings', type: 'x', data: 'from b' });
    await waitFor(() => atA.length === 2 && atB.length === 2, 5_000, 'both events on both nodes');
    assert.deepEqual(atA, atB);
    assert.deepEqual(
      atA.map((e) => [e.seq, e.data]),
      [
        [1, 'from a'],
        [2, 'from b'],
      ],
    );
    const [readA, readB] = await Promise.all([a.history('postings', 0), b.history('postings', 0)]);
    assert.deepEqual(readA, readB);
    assert.equal(readA.seq, 2);
    // Another prefix is another cluster.
    const other = await redis.make(t);
    assert.equal((await other.history('postings', undefined)).seq, 0);
  });

  test('a node knows whether another node of its prefix watches a topic, and only while it does', async (t) => {
    const prefix = redisPrefix(t);
    const a = await redis.make(t, LIMITS, prefix);
    const b = await redis.make(t, LIMITS, prefix);
    const other = await redis.make(t);
    assert.equal(await a.watchedAnywhere?.('user:ada'), false);
    await b.watch('user:ada');
    assert.equal(await a.watchedAnywhere?.('user:ada'), true);
    assert.equal(await other.watchedAnywhere?.('user:ada'), false, 'another prefix is another cluster');
    b.unwatch('user:ada');
    for (let i = 0; i < 50 && (await a.watchedAnywhere?.('user:ada')); i++) await sleep(20);
    assert.equal(await a.watchedAnywhere?.('user:ada'), false);
  });

  test('concurrent publishes from two nodes to one topic get unique, gap-free seqs, delivered in order', async (t) => {
    const prefix = redisPrefix(t);
    const a = await redis.make(t, LIMITS, prefix);
    const b = await redis.make(t, LIMITS, prefix);
    const watcher = await redis.make(t, LIMITS, prefix);
    const received = listen(watcher);
    await watcher.watch('queue');
    const n = 300;
    const outcomes = await Promise.all(
      Array.from({ length: 2 * n }, (_, i) =>
        (i % 2 ? a : b).publish({ topic: 'queue', type: 'x', data: { node: i % 2 ? 'a' : 'b', i } }),
      ),
    );
    const assigned = outcomes.map((o) => o.seq).sort((x, y) => x - y);
    assert.deepEqual(
      assigned,
      Array.from({ length: 2 * n }, (_, i) => i + 1),
    );
    await waitFor(() => received.length === 2 * n, 10_000, 'every event at the watcher');
    assert.deepEqual(
      received.map((e) => e.seq),
      Array.from({ length: 2 * n }, (_, i) => i + 1),
    );
    const history = await a.history('queue', 0);
    assert.deepEqual(history.events, received);
  });

  test('a flushed Redis (the prefix’s keys deleted) starts a new epoch; old seqs are not reused under the old one', async (t) => {
    const prefix = redisPrefix(t);
    const a = await redis.make(t, LIMITS, prefix);
    const b = await redis.make(t, LIMITS, prefix);
    for (let i = 0; i < 3; i++) await a.publish({ topic: 'postings', type: 'x', data: i });
    const before = await b.history('postings', 0);
    assert.equal(before.seq, 3);
    assert.ok((await deleteKeys(prefix)) > 0);
    const after = await b.history('postings', 3);
    assert.notEqual(after.epoch, before.epoch, 'a new epoch');
    assert.equal(after.seq, 0);
    assert.equal(after.events, null, 'since 3 is beyond the new history');
    const next = await a.publish({ topic: 'postings', type: 'x', data: 'new' });
    assert.equal(next.seq, 1);
    const readA = await a.history('postings', 0);
    assert.equal(readA.epoch, after.epoch, 'both nodes agree on the new epoch');
    assert.deepEqual(seqs(readA.events), [1]);
    // A flush between two publishes: the publish itself starts the epoch.
    await deleteKeys(prefix);
    await b.publish({ topic: 'postings', type: 'x', data: 'newer' });
    const third = await a.history('postings', 0);
    assert.notEqual(third.epoch, after.epoch);
    assert.deepEqual(
      third.events?.map((e) => [e.seq, e.data]),
      [[1, 'newer']],
    );
  });

  /** Closes the subscriber connection of the node named `name`, as a network failure would. */
  async function killSubscriber(t: TestContext, name: string): Promise<void> {
    const admin = redisClient(t);
    const clients = String(await admin.client('LIST'));
    const subscriber = [...clients.matchAll(/id=(\d+) .*name=(\S+)/g)].find(
      (m) => m[2] === `${name}-subscriber`,
    )?.[1];
    assert.ok(subscriber, 'the subscriber connection is listed');
    await admin.client('KILL', 'ID', subscriber);
  }

  async function namedNode(t: TestContext, prefix: string): Promise<{ node: RedisBroker; name: string }> {
    const name = `jobstream-test-${randomBytes(4).toString('hex')}`;
    const node = await RedisBroker.connect({ url: TEST_REDIS_URL, prefix, limits: LIMITS, name });
    t.after(() => node.close());
    return { node, name };
  }

  test('events missed while the subscriber connection was down are delivered, in order, once it is back', async (t) => {
    const prefix = redisPrefix(t);
    const { node, name } = await namedNode(t, prefix);
    const publisher = await redis.make(t, LIMITS, prefix);
    const received = listen(node);
    await node.watch('work:1');
    await publisher.publish({ topic: 'work:1', type: 'x', data: 1 });
    await waitFor(() => received.length === 1, 5_000, 'the first event');
    await killSubscriber(t, name);
    // Published while the subscriber reconnects: no PUBLISH reaches it.
    for (let i = 2; i <= 4; i++) await publisher.publish({ topic: 'work:1', type: 'x', data: i });
    // Nothing else is published: the node must fetch them on its own.
    await waitFor(() => received.length === 4, 5_000, 'the events missed');
    await publisher.publish({ topic: 'work:1', type: 'x', data: 5 });
    await waitFor(() => received.length === 5, 5_000, 'the next live event');
    await sleep(50);
    assert.deepEqual(
      received.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
  });

  test('events missed before the first live one are delivered too', async (t) => {
    const prefix = redisPrefix(t);
    const { node, name } = await namedNode(t, prefix);
    const publisher = await redis.make(t, LIMITS, prefix);
    await publisher.publish({ topic: 'work:2', type: 'x', data: 1 }); // before the watch
    const received = listen(node);
    await node.watch('work:2');
    await publisher.publish({ topic: 'work:2', type: 'x', data: 2 });
    await waitFor(() => received.length === 1, 5_000, 'the first live event');
    await killSubscriber(t, name);
    await publisher.publish({ topic: 'work:2', type: 'x', data: 3 });
    await sleep(300); // the subscriber is back, has recovered event 3
    await publisher.publish({ topic: 'work:2', type: 'x', data: 4 });
    await waitFor(() => received.length === 3, 5_000, 'events 3 and 4');
    const fresh = await namedNode(t, prefix);
    const atFresh = listen(fresh.node);
    await fresh.node.watch('work:2');
    await sleep(50); // the watch has read where live delivery starts
    await killSubscriber(t, fresh.name);
    await publisher.publish({ topic: 'work:2', type: 'x', data: 5 });
    await waitFor(() => atFresh.length === 1, 5_000, 'event 5, missed before any live event');
    await sleep(50);
    assert.deepEqual(
      received.map((e) => e.seq),
      [2, 3, 4, 5],
    );
    assert.deepEqual(
      atFresh.map((e) => e.seq),
      [5],
    );
  });

  /** A node whose pub/sub reaches it `delayMs` late (its commands are not slowed); `proxy.delayMs` may change. */
  async function slowSubscriberNode(t: TestContext, prefix: string, delayMs: number) {
    const name = `jobstream-test-${randomBytes(4).toString('hex')}`;
    const proxy = await slowRedis(t, TEST_REDIS_URL, (n) => n === `${name}-subscriber`, delayMs);
    const node = await RedisBroker.connect({ url: proxy.url, prefix, limits: LIMITS, name });
    t.after(() => node.close());
    return { node, proxy };
  }

  test('a node hands the events it publishes to its own listener when the script answers, not when pub/sub echoes them', async (t) => {
    const prefix = redisPrefix(t);
    const { node: a } = await slowSubscriberNode(t, prefix, 400);
    const b = await redis.make(t, LIMITS, prefix);
    const atA = listen(a);
    await a.watch('fast');
    await a.publish({ topic: 'fast', type: 'x', data: 1 });
    await waitFor(() => atA.length === 1, 5_000, 'the first event, over pub/sub');
    for (let i = 2; i <= 6; i++) {
      await a.publish({ topic: 'fast', type: 'x', data: { i } });
      // Pub/sub is 400 ms late: only the publish itself can have handed it on by now.
      assert.deepEqual(
        atA.map((e) => e.seq),
        Array.from({ length: i }, (_, k) => k + 1),
        `event ${i} handed on as its publish answered`,
      );
    }
    assert.deepEqual(atA.at(-1), (await a.history('fast', 5)).events?.[0], 'the event history has');
    // Another node's event is on its way over the slow pub/sub: this node's next one must wait for it.
    await b.publish({ topic: 'fast', type: 'x', data: 'from b' });
    await a.publish({ topic: 'fast', type: 'x', data: 'after b' });
    assert.equal(atA.length, 6, 'seq 8 is not handed on before seq 7');
    await waitFor(() => atA.length === 8, 5_000, 'seq 7 and then seq 8, over pub/sub');
    await sleep(600); // every echo has come: none handed on twice
    assert.deepEqual(
      atA.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(atA, (await b.history('fast', 0)).events);
  });

  test('two nodes publishing interleaved on one topic, one with slow pub/sub: both hand on every seq once, in order', async (t) => {
    const prefix = redisPrefix(t);
    const { node: a, proxy } = await slowSubscriberNode(t, prefix, 150);
    const b = await redis.make(t, LIMITS, prefix);
    const atA = listen(a);
    const atB = listen(b);
    await Promise.all([a.watch('mixed'), b.watch('mixed')]);
    let total = 0;
    // Rounds with pub/sub slow, then fast, then slow again; within each, publishes from both nodes in
    // flight at once, some awaited one by one.
    for (const delayMs of [150, 0, 150]) {
      proxy.delayMs = delayMs;
      const burst = Array.from({ length: 60 }, (_, i) =>
        (i % 3 === 0 ? b : a).publish({ topic: 'mixed', type: 'x', data: { delayMs, i } }),
      );
      for (let i = 0; i < 20; i++) {
        await (i % 2 ? a : b).publish({ topic: 'mixed', type: 'x', data: { delayMs, one: i } });
      }
      await Promise.all(burst);
      total += 80;
    }
    await waitFor(() => atA.length >= total && atB.length >= total, 10_000, 'every event on both nodes');
    await sleep(400); // the last echoes have come
    const all = Array.from({ length: total }, (_, i) => i + 1);
    assert.deepEqual(
      atA.map((e) => e.seq),
      all,
      'node a: every seq once, in order',
    );
    assert.deepEqual(
      atB.map((e) => e.seq),
      all,
      'node b: every seq once, in order',
    );
    assert.deepEqual(atA, atB, 'the same events on both nodes');
    assert.deepEqual(atA, (await a.history('mixed', 0)).events, 'the events history has');
  });

  test('hub readers on two nodes, some joining mid-run with a replay, each get every seq once, in order, while one node’s pub/sub is slow', async (t) => {
    const prefix = redisPrefix(t);
    const { node: a } = await slowSubscriberNode(t, prefix, 100);
    const b = await redis.make(t, LIMITS, prefix);
    const hubs = [new Hub(a), new Hub(b)] as const;
    const readers: number[][] = [];
    const read = async (hub: Hub, since?: number): Promise<void> => {
      const seen: number[] = [];
      readers.push(seen);
      const result = await hub.subscribe('readers', (e) => seen.push(e.event.seq), { since });
      result.start();
    };
    await Promise.all([read(hubs[0]), read(hubs[1])]);
    const publishes: Promise<unknown>[] = [];
    for (let i = 0; i < 90; i++) {
      publishes.push(hubs[i % 3 === 0 ? 1 : 0].publish({ topic: 'readers', type: 'x', data: i }));
      if (i % 10 === 9) await Promise.all(publishes);
      if (i === 30) await Promise.all([read(hubs[0], 0), read(hubs[1], 0)]);
    }
    await Promise.all(publishes);
    const all = Array.from({ length: 90 }, (_, i) => i + 1);
    await waitFor(() => readers.every((r) => r.length >= 90), 10_000, 'every event at every reader');
    await sleep(300); // the last echoes have come
    for (const [i, seen] of readers.entries()) assert.deepEqual(seen, all, `reader ${i}`);
  });

  test('an unreachable Redis fails the connect at once, naming REDIS_URL', async () => {
    const started = Date.now();
    await assert.rejects(
      RedisBroker.connect({ url: 'redis://127.0.0.1:1', limits: LIMITS, connectTimeoutMs: 500 }),
      /REDIS_URL: cannot reach Redis at 127\.0\.0\.1:1/,
    );
    assert.ok(Date.now() - started < 3_000);
  });
});
