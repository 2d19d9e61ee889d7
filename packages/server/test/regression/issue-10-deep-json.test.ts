import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, signUp, watcher } from '../helpers/api.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from '../helpers/redis.js';
import { startServer } from '../helpers/server.js';

// Issue #10: a publish nested 30,000 deep was answered 500 yet committed on the embedded broker (live
// subscribers got a gap, long-poll answered 500 until it aged out); a deep notification was a 500.

const key = 'deep-json-api-key';
const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number): unknown => {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
};

type ErrorBody = { error?: { code: string; message: string } };

async function post(url: string, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as ErrorBody & Record<string, unknown> };
}

const redisUnreachable = await redisSkip();
const brokers = [
  { name: 'memory', skip: undefined, env: () => ({}) },
  {
    name: 'redis',
    skip: redisUnreachable,
    env: (t: Parameters<typeof redisPrefix>[0]) => ({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix(t),
    }),
  },
];

for (const broker of brokers) {
  describe(`deep JSON on the ${broker.name} broker`, { skip: broker.skip }, () => {
    test('a publish nested 30,000 deep is 400 and takes no seq; subscribers and long-poll see no gap', async (t) => {
      const { url, wsUrl, server } = await startServer(t, { JOBSTREAM_API_KEY: key, ...broker.env(t) });
      const live = await watcher(t, wsUrl, undefined, ['postings']);
      const deep = await post(
        url,
        '/api/v1/publish',
        `{"topic":"postings","type":"posting.created","data":${nested(30_000)}}`,
        auth,
      );
      assert.equal(deep.status, 400);
      assert.equal(deep.body.error?.code, 'invalid_message');
      assert.match(deep.body.error?.message ?? '', /MAX_JSON_DEPTH/);
      // Past the edge (a publisher inside the process): refused by the broker before it takes a seq.
      await assert.rejects(
        server.hub.publish({ topic: 'postings', type: 'posting.created', data: nestedObject(30_000) }),
        (error: { code?: string }) => error.code === 'invalid_message',
      );
      const ok = await post(url, '/api/v1/publish', '{"topic":"postings","type":"posting.created"}', auth);
      assert.deepEqual(ok, { status: 200, body: { topic: 'postings', seq: 1 } });
      const first = await live.next('event');
      assert.equal(first.seq, 1, 'the first event a subscriber sees is seq 1: nothing was committed');
      const poll = await api(url)<{ events: { seq: number }[] }>(
        'GET',
        '/api/v1/events/poll?topic=postings&since=0&timeout=0',
      );
      assert.equal(poll.status, 200);
      assert.deepEqual(
        poll.body.events.map((e) => e.seq),
        [1],
      );
    });
  });
}

test('MAX_JSON_DEPTH bounds every JSON body; brackets inside strings do not count', async (t) => {
  const { url } = await startServer(t, { JOBSTREAM_API_KEY: key, MAX_JSON_DEPTH: '4' });
  const at = (data: string) =>
    post(url, '/api/v1/publish', `{"topic":"postings","type":"posting.created","data":${data}}`, auth);
  assert.equal((await at('{"a":{"b":{}}}')).status, 200, 'four levels with the body itself');
  const over = await at('{"a":{"b":{"c":{}}}}');
  assert.equal(over.status, 400);
  assert.match(over.body.error?.message ?? '', /more than 4 levels/);
  assert.equal((await at(`{"s":${JSON.stringify(nested(100))}}`)).status, 200, 'a string of brackets');
  assert.equal((await at(`{"s":"\\"[[[[[[\\\\"}`)).status, 200, 'escaped quotes and backslashes');
  const job = await post(
    url,
    '/api/v1/jobs',
    `{"company":"C","job_title":"T","skills_required":[[[[["x"]]]]]}`,
    { 'content-type': 'application/json' },
  );
  assert.equal(job.status, 400, 'every route, not only publish');
  assert.match(job.body.error?.message ?? '', /MAX_JSON_DEPTH/);
});

test('a notification with deeply nested data is 400, and the next one is the first delivered', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const recruiter = await signUp(url, 'Deep', 'recruiter');
  const seeker = await signUp(url, 'Reader', 'job_seeker');
  const inbox = await watcher(t, wsUrl, seeker.token, [`user:${seeker.id}`]);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${recruiter.token}` };
  const deep = await post(
    url,
    '/api/v1/notifications',
    `{"user_id":"${seeker.id}","message":"deep","data":{"a":${nested(30_000)}}}`,
    headers,
  );
  assert.equal(deep.status, 400);
  assert.equal(deep.body.error?.code, 'invalid_message');
  const ok = await post(url, '/api/v1/notifications', `{"user_id":"${seeker.id}","message":"fine"}`, headers);
  assert.equal(ok.status, 201);
  const event = await inbox.next('event');
  assert.equal((event.data as { message: string }).message, 'fine');
});
