import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientMessage,
  CloseCode,
  PublishRequest,
  ServerMessage,
  Topic,
  errorHttpStatus,
} from '../src/index.js';

test('topics: names with an optional id, nothing else', () => {
  for (const ok of ['postings', 'work:6f1c2a', 'user:42', 'role:job_seeker', 'queue'])
    assert.ok(Topic.safeParse(ok).success, ok);
  for (const bad of ['', 'Postings', 'a b', ':x', 'x:', '9lives', 'x'.repeat(65)])
    assert.ok(!Topic.safeParse(bad).success, bad);
});

test('client messages are a union on type, strict about their fields', () => {
  assert.deepEqual(
    ClientMessage.parse({ type: 'subscribe', topic: 'queue', since: 4, epoch: 'e', types: ['work.'] }),
    {
      type: 'subscribe',
      topic: 'queue',
      since: 4,
      epoch: 'e',
      types: ['work.'],
    },
  );
  assert.ok(!ClientMessage.safeParse({ type: 'subscribe', topic: 'queue', since: 1.5 }).success);
  assert.ok(!ClientMessage.safeParse({ type: 'ping', extra: 1 }).success);
  assert.ok(!ClientMessage.safeParse({ type: 'shout' }).success);
});

test('server messages parse what the server sends', () => {
  const event = {
    type: 'event',
    topic: 'postings',
    seq: 1,
    event: 'posting.created',
    ts: '2026-01-01T00:00:00.000Z',
    data: { a: 1 },
  };
  assert.deepEqual(ServerMessage.parse(event), event);
  assert.ok(
    ServerMessage.safeParse({ type: 'subscribed', topic: 't', seq: 0, epoch: 'e', recovered: false }).success,
  );
});

test('publish requests default data to {} and refuse unknown fields', () => {
  assert.deepEqual(PublishRequest.parse({ topic: 'queue', type: 'work.created' }), {
    topic: 'queue',
    type: 'work.created',
    data: {},
  });
  assert.ok(!PublishRequest.safeParse({ topic: 'queue', type: 'work.created', nope: 1 }).success);
});

test('close codes are the documented ones and every error code has an HTTP status', () => {
  assert.deepEqual(
    [CloseCode.slowConsumer, CloseCode.tooLarge, CloseCode.policy, CloseCode.tokenExpired],
    [4008, 1009, 1008, 4004],
  );
  for (const status of Object.values(errorHttpStatus)) assert.ok(status >= 400 && status < 600);
});
