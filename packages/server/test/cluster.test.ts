import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { api } from './helpers/api.js';
import { deleteKeys, redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import {
  spawnServer,
  startServer,
  stopProcess,
  testDatabaseUrl,
  type ServerProcess,
} from './helpers/server.js';
import { storeBackends, waitFor } from './helpers/store-backends.js';
import { publish, sleep, TestClient, type Message } from './helpers/ws-client.js';

// A cluster: `jobstream serve` processes sharing one Redis and one PostgreSQL database.
const redisUnreachable = await redisSkip();
const postgres = (await storeBackends()).find((backend) => backend.name === 'postgres');
const skip =
  redisUnreachable ??
  (postgres === undefined ? 'PostgreSQL is not among STORES' : postgres.skip) ??
  undefined;

/** Two nodes on one Redis prefix and one fresh database, killed when the test ends. */
async function cluster(t: TestContext): Promise<[ServerProcess, ServerProcess]> {
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  const nodes: ServerProcess[] = [];
  // Registered first, so it runs first: the nodes stop before their database goes.
  t.after(() => Promise.all(nodes.map((node) => stopProcess(node.child, 'SIGKILL'))));
  const database = await postgres.database(t);
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix(t),
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(24).toString('hex'),
  };
  // One after the other: the first runs the migrations (the second would wait for its lock anyway).
  const a = await spawnServer(t, env);
  nodes.push(a);
  const b = await spawnServer(t, env);
  nodes.push(b);
  return [a, b];
}

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const postingId = (m: Message): number => (m.data as { posting: { id: number } }).posting.id;
const ws = (node: ServerProcess): string => `${node.url.replace(/^http/, 'ws')}/ws`;

test(
  'cluster: a posting created over REST on node A reaches subscribers on both nodes, with one seq',
  { skip },
  async (t) => {
    const [a, b] = await cluster(t);
    const atA = await TestClient.connect(t, ws(a));
    const atB = await TestClient.connect(t, ws(b));
    const subscribedA = await atA.subscribe('postings');
    const subscribedB = await atB.subscribe('postings');
    assert.equal(subscribedA.epoch, subscribedB.epoch, 'the nodes share the topic’s epoch');
    const created = await api(a.url)<{ id: number }>('POST', '/api/v1/jobs', {
      company: 'Acme',
      job_title: 'Site Reliability Engineer',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const matches = (m: Message) => m.event === 'posting.created';
    const [eventA, eventB] = await Promise.all([atA.next('event', matches), atB.next('event', matches)]);
    assert.deepEqual(eventB, eventA);
    assert.equal(postingId(eventB), created.body.id);
    assert.equal(eventB.seq, Number(subscribedB.seq) + 1);
    // Created on B, seen on A: the relay of either node publishes for both.
    const second = await api(b.url)<{ id: number }>('POST', '/api/v1/jobs', {
      company: 'Beta',
      job_title: 'SRE',
    });
    assert.equal(second.status, 201);
    const next = await atA.next('event', (m) => matches(m) && postingId(m) === second.body.id);
    assert.equal(next.seq, Number(eventA.seq) + 1);
  },
);

test(
  'cluster: a client cut off from one node resumes on the other with every event once, in order',
  { skip },
  async (t) => {
    const [a, b] = await cluster(t);
    const topic = 'queue';
    const total = 300;
    // Published through both nodes, one after the other, while the client hops between them.
    let published = 0;
    const publishing = (async () => {
      for (let i = 1; i <= total; i++) {
        const node = i % 2 ? a : b;
        const answer = await publish(node.url, { topic, type: 'work.progress', data: { i } });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        published = i;
        if (i % 10 === 0) await sleep(5);
      }
    })();
    const seen: Message[] = [];
    let epoch: string | undefined;
    let hops = 0;
    try {
      while ((seen.at(-1)?.seq ?? 0) !== total) {
        const node = hops % 2 ? b : a;
        const client = await TestClient.connect(t, ws(node));
        const since = Number(seen.at(-1)?.seq ?? 0);
        const subscribed = await client.subscribe(topic, {
          since,
          ...(epoch === undefined ? {} : { epoch }),
        });
        assert.equal(subscribed.recovered, true, `hop ${hops}: resumed from ${since} on ${node.url}`);
        epoch = String(subscribed.epoch);
        // Stay for a while (the last hop to the end), then drop the socket mid-stream.
        const leaveAt = hops < 4 ? Math.min(total, since + 40 + hops * 17) : total;
        await waitFor(
          () => Number(client.events(topic).at(-1)?.seq ?? since) >= leaveAt,
          20_000,
          `seq ${leaveAt} on hop ${hops}`,
        );
        seen.push(...client.events(topic));
        client.ws.terminate();
        hops++;
      }
    } finally {
      await publishing;
    }
    assert.equal(published, total);
    assert.ok(hops >= 3, `the client hopped (${hops} connections)`);
    assert.deepEqual(
      seen.map((m) => m.seq),
      Array.from({ length: total }, (_, i) => i + 1),
      'every seq once, in order',
    );
    assert.deepEqual(
      seen.map((m) => (m.data as { i: number }).i),
      Array.from({ length: total }, (_, i) => i + 1),
    );
  },
);

test('a node whose Redis is unreachable stops at start with an error naming REDIS_URL', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: testDatabaseUrl(t),
      REDIS_URL: 'redis://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const started = Date.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2, stderr);
  assert.match(stderr, /REDIS_URL: cannot reach Redis at 127\.0\.0\.1:1/);
  assert.ok(Date.now() - started < 15_000);
});

test(
  'Redis loses its data under a live subscriber: the client is closed (1001), and resuming tells it to reload',
  { skip: redisUnreachable },
  async (t) => {
    const prefix = redisPrefix(t);
    const { url, wsUrl } = await startServer(t, { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
    const client = await TestClient.connect(t, `${wsUrl}/ws`);
    const subscribed = await client.subscribe('alerts');
    const epoch = String(subscribed.epoch);
    assert.equal((await publish(url, { topic: 'alerts', type: 'a.first' })).status, 200);
    await client.next('event', (m) => m.event === 'a.first');

    await deleteKeys(prefix); // a flush, as far as this cluster is concerned
    const closed = once(client.ws, 'close') as Promise<[number, Buffer]>;
    assert.equal((await publish(url, { topic: 'alerts', type: 'a.second' })).status, 200);
    const [code, reason] = await closed;
    assert.equal(code, 1001);
    assert.match(String(reason), /history was lost/);
    assert.equal(client.events().length, 1, 'no event of the new history slipped in under the old seqs');

    const again = await TestClient.connect(t, `${wsUrl}/ws`);
    const resumed = await again.subscribe('alerts', { since: 1, epoch });
    assert.equal(resumed.recovered, false, 'reload: the history it would resume from is gone');
    assert.notEqual(resumed.epoch, epoch);
    assert.equal(resumed.seq, 1);
  },
);
