import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './helpers/server.js';
import { publish, TestClient } from './helpers/ws-client.js';

const key = 'test-api-key-123';
const auth = { authorization: `Bearer ${key}` };

test('publish demands the API key when one is configured', async (t) => {
  const { url } = await startServer(t, { JOBSTREAM_API_KEY: key });
  const none = await publish(url, { topic: 'postings', type: 'posting.created', data: {} });
  assert.equal(none.status, 401);
  assert.equal((none.body.error as { code: string }).code, 'unauthorized');
  const wrong = await publish(
    url,
    { topic: 'postings', type: 'posting.created' },
    { authorization: 'Bearer nope' },
  );
  assert.equal(wrong.status, 401);
  const ok = await publish(url, { topic: 'postings', type: 'posting.created' }, auth);
  assert.deepEqual(ok, { status: 200, body: { topic: 'postings', seq: 1 } });
});

test('the same idempotency key publishes once and answers the first seq', async (t) => {
  const { url, wsUrl } = await startServer(t, { JOBSTREAM_API_KEY: key });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  await client.subscribe('queue');
  const body = { topic: 'queue', type: 'work.created', data: { id: 'a' }, idempotency_key: 'k-1' };
  const first = await publish(url, body, auth);
  const again = await publish(url, body, auth);
  const viaHeader = await publish(
    url,
    { topic: 'queue', type: 'work.created' },
    { ...auth, 'idempotency-key': 'k-2' },
  );
  const headerAgain = await publish(
    url,
    { topic: 'queue', type: 'work.created' },
    { ...auth, 'idempotency-key': 'k-2' },
  );
  assert.deepEqual(
    [first.body, again.body, viaHeader.body, headerAgain.body],
    [
      { topic: 'queue', seq: 1 },
      { topic: 'queue', seq: 1 },
      { topic: 'queue', seq: 2 },
      { topic: 'queue', seq: 2 },
    ],
  );
  await client.next('event', (m) => m.seq === 2);
  assert.equal(client.events().length, 2, 'each key delivered once');
});

test('a bad publish body gets 400 with the field errors', async (t) => {
  const { url } = await startServer(t, { JOBSTREAM_API_KEY: key });
  const bad = await publish(url, { topic: 'Not A Topic', type: 'Posting Created!', extra: true }, auth);
  assert.equal(bad.status, 400);
  const error = bad.body.error as { code: string; fields: { path: string }[] };
  assert.equal(error.code, 'invalid_message');
  assert.deepEqual(error.fields.map((f) => f.path).sort(), ['(root)', 'topic', 'type']);
  const res = await fetch(`${url}/api/v1/publish`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{oops',
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_json');
});

test('a publish body over MAX_PAYLOAD_BYTES gets 413', async (t) => {
  const { url } = await startServer(t, { JOBSTREAM_API_KEY: key, MAX_PAYLOAD_BYTES: '1024' });
  const big = await publish(
    url,
    { topic: 'postings', type: 'posting.created', data: { pad: 'x'.repeat(4000) } },
    auth,
  );
  assert.equal(big.status, 413);
  assert.equal((big.body.error as { code: string }).code, 'payload_too_large');
});

test('a caller’s idempotency key cannot suppress a committed event (the relay’s keys are its own)', async (t) => {
  const { url, wsUrl } = await startServer(t, { JOBSTREAM_API_KEY: key });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  await client.subscribe('postings');
  // The relay publishes the first outbox row with the key `outbox:1`.
  for (const guess of ['outbox:1', 'outbox:2']) {
    const sent = await publish(url, { topic: 'postings', type: 'decoy', idempotency_key: guess }, auth);
    assert.equal(sent.status, 200);
  }
  const created = await fetch(`${url}/api/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company: 'Acme', job_title: 'Engineer' }),
  });
  assert.equal(created.status, 201);
  const event = await client.next('event', (m) => m.event === 'posting.created');
  assert.equal(event.seq, 3);
});
