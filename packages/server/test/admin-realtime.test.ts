import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdminRealtimeResource } from '../src/http/admin-routes.js';
import { api } from './helpers/api.js';
import { makePerson, TEST_JWT_SECRET } from './helpers/principals.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { startServer } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

const PATH = '/api/v1/admin/realtime';

/** Calls `read` until `done` holds of its answer, or fails after `ms`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > end) assert.fail(`not reached within ${ms} ms: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

test('admin realtime on one node: connections by endpoint, topics with subscribers and last seq, the embedded worker; admins only', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const admin = await makePerson(server, 'Root', 'admin');
  const seeker = await makePerson(server, 'Ada', 'job_seeker');
  const recruiter = await makePerson(server, 'Rita', 'recruiter');

  assert.equal((await api(server.url)(`GET`, PATH)).status, 401, 'anonymous');
  for (const person of [seeker, recruiter]) {
    const refused = await api(server.url, person.token)<{ error: { code: string } }>('GET', PATH);
    assert.equal(refused.status, 403, person.role);
    assert.equal(refused.body.error.code, 'forbidden');
  }

  const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(t, `${server.wsUrl}/ws`)));
  for (const client of clients) await client.subscribe('postings');
  await clients[0]!.subscribe('system');
  const created = await api(server.url, recruiter.token)('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Platform Engineer',
  });
  assert.equal(created.status, 201);
  const event = await clients[1]!.next('event', (m) => m.event === 'posting.created');

  const asAdmin = api(server.url, admin.token);
  const body = await until(
    async () => (await asAdmin<AdminRealtimeResource>('GET', PATH)).body,
    (b) => b.topics.top.some((topic) => topic.topic === 'postings' && topic.last_seq === event.seq),
    3000,
  );
  assert.equal(body.cluster, false);
  assert.equal(body.nodes.length, 1);
  const [self] = body.nodes;
  assert.equal(self!.self, true);
  assert.equal(self!.id, body.node);
  assert.equal(self!.connections.by_endpoint.native, 3);
  assert.equal(body.connections.total, 3);
  assert.deepEqual(
    body.topics.top.map((topic) => [topic.topic, topic.subscribers, topic.nodes]),
    [
      ['postings', 3, 1],
      ['system', 1, 1],
    ],
    'most subscribed first',
  );
  assert.equal(self!.subscriptions, 4);
  assert.equal(body.workers.alive, 1);
  assert.equal(body.workers.list.length, 1, 'the embedded runner');
  assert.ok(body.workers.list[0]!.concurrency >= 1);

  // A closed connection leaves the view.
  clients[2]!.ws.close();
  await clients[2]!.closed;
  await until(
    async () => (await asAdmin<AdminRealtimeResource>('GET', PATH)).body,
    (b) => b.connections.total === 2 && b.topics.top[0]?.subscribers === 2,
    3000,
  );
});

const skip = await redisSkip();

test(
  'admin realtime on two nodes sharing Redis: each node listed with its own connections, topics summed',
  { skip },
  async (t) => {
    const env = { JWT_SECRET: TEST_JWT_SECRET, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix(t) };
    const a = await startServer(t, env);
    const b = await startServer(t, env);
    const admin = await makePerson(a, 'Root', 'admin');
    const asAdmin = api(a.url, admin.token);
    const atA = await TestClient.connect(t, `${a.wsUrl}/ws`);
    await atA.subscribe('postings');
    const atB = await Promise.all([1, 2, 3].map(() => TestClient.connect(t, `${b.wsUrl}/ws`)));
    for (const client of atB) await client.subscribe('postings');
    await atB[0]!.subscribe('scrapes');

    // B writes its snapshot every 5 s: within one interval (and a margin) A shows B as it is now.
    const body = await until(
      async () => (await asAdmin<AdminRealtimeResource>('GET', PATH)).body,
      (x) => x.nodes.length === 2 && x.nodes.find((node) => !node.self)?.connections.total === 3,
      8000,
    );
    assert.equal(body.cluster, true);
    const [self, other] = [body.nodes.find((n) => n.self)!, body.nodes.find((n) => !n.self)!];
    assert.notEqual(self.id, other.id);
    assert.equal(self.connections.by_endpoint.native, 1);
    assert.equal(other.connections.by_endpoint.native, 3);
    assert.deepEqual(
      other.topics.map((topic) => [topic.topic, topic.subscribers]),
      [
        ['postings', 3],
        ['scrapes', 1],
      ],
    );
    assert.equal(body.connections.total, 4);
    assert.equal(body.connections.by_endpoint.native, 4);
    const postings = body.topics.top.find((topic) => topic.topic === 'postings');
    assert.deepEqual([postings?.subscribers, postings?.nodes], [4, 2]);
    assert.equal(body.topics.total, 3, 'postings on both nodes, scrapes on B');
    assert.ok(Array.isArray(body.workers.list), 'BullMQ workers (none run in this test)');

    // The seeker is refused on B as on A.
    const seeker = await makePerson(b, 'Ada', 'job_seeker');
    assert.equal((await api(b.url, seeker.token)('GET', PATH)).status, 403);

    // A node that stops takes its snapshot with it.
    await b.server.close();
    await until(
      async () => (await asAdmin<AdminRealtimeResource>('GET', PATH)).body,
      (x) => x.nodes.length === 1,
      3000,
    );
  },
);
