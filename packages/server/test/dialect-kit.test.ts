import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientMessage, CloseCode, ErrorCode } from '@jobstream/protocol';
import { AppError } from '../src/errors.js';
import { closeFor, parseMessage, readJson, SerialQueue, sharedFrame } from '../src/gateway/dialect.js';
import { MAX_HELD_MESSAGES } from '../src/gateway/held-messages.js';

test('parseMessage: a valid message, not JSON, nested too deep, and JSON that is no message', () => {
  const ok = parseMessage('{"type":"ping"}', ClientMessage);
  assert.deepEqual(ok, { ok: true, message: { type: 'ping' } });
  assert.deepEqual(parseMessage('{nope', ClientMessage), { ok: false, reason: 'invalid_json' });
  assert.deepEqual(parseMessage('['.repeat(40) + ']'.repeat(40), ClientMessage), {
    ok: false,
    reason: 'too_deep',
  });
  const invalid = parseMessage('{"type":"subscribe","topic":7}', ClientMessage);
  assert.ok(!invalid.ok && invalid.reason === 'invalid');
  // The object sent comes back for the dialect to describe, with the schema's issues.
  assert.deepEqual(invalid.fields, { type: 'subscribe', topic: 7 });
  assert.ok(invalid.issues.length > 0);
  const array = parseMessage('[1,2]', ClientMessage);
  assert.ok(!array.ok && array.reason === 'invalid' && array.fields === null);
});

test('readJson: any JSON, with its fields only when it is an object', () => {
  assert.deepEqual(readJson('{"type":"ping"}'), { ok: true, fields: { type: 'ping' } });
  assert.deepEqual(readJson('null'), { ok: true, fields: null });
  assert.deepEqual(readJson('"ping"'), { ok: true, fields: null });
  assert.deepEqual(readJson('ping'), { ok: false, reason: 'invalid_json' });
});

test('closeFor: an error with a close code closes with it; any other with 1011 and the reason given', () => {
  const closes: [number, string][] = [];
  const connection = { close: (code: number, reason: string) => void closes.push([code, reason]) };
  const expired = new AppError(ErrorCode.tokenExpired, 'token expired', {
    closeCode: CloseCode.tokenExpired,
  });
  closeFor(connection, expired, 'internal error');
  closeFor(connection, new Error('socket hang up'), 'the run could not be read');
  closeFor(connection, new Error('socket hang up'));
  closeFor(connection, new AppError(ErrorCode.forbidden, 'x'.repeat(200)));
  assert.deepEqual(closes, [
    [CloseCode.tokenExpired, 'token expired'],
    [CloseCode.internal, 'the run could not be read'],
    [CloseCode.internal, 'internal error'],
    [CloseCode.internal, 'x'.repeat(120)],
  ]);
});

test('SerialQueue: set-up first, then each task in order, a failure reported and the queue going on', async () => {
  const seen: string[] = [];
  const failures: unknown[] = [];
  let setUp!: () => void;
  const first = new Promise<void>((resolve) => (setUp = resolve)).then(() => void seen.push('set-up'));
  const queue = new SerialQueue(first, (error) => failures.push(error));
  assert.ok(
    queue.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push('a');
    }, 'a'),
  );
  assert.ok(
    queue.then(() => {
      throw new Error('b failed');
    }, 'b'),
  );
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  assert.ok(
    queue.then(() => {
      seen.push('c');
      done();
    }, 'c'),
  );
  assert.deepEqual(seen, []);
  setUp();
  await finished;
  assert.deepEqual(seen, ['set-up', 'a', 'c']);
  assert.equal(failures.length, 1);
});

test('SerialQueue: what waits is bounded, and a finished task frees its place', async () => {
  let release!: () => void;
  const queue = new SerialQueue(new Promise<void>((resolve) => (release = resolve)), () => {});
  for (let i = 0; i < MAX_HELD_MESSAGES; i++) assert.ok(queue.then(() => {}, 'm'));
  assert.equal(
    queue.then(() => {}, 'one too many'),
    false,
  );
  let ran!: () => void;
  const last = new Promise<void>((resolve) => (ran = resolve));
  release();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(queue.then(() => ran(), 'after'));
  await last;
});

test('sharedFrame: one frame for every connection within its period, a new one after', () => {
  let built = 0;
  const frame = sharedFrame(1000, (now) => {
    built++;
    return Buffer.from(String(now));
  });
  const first = frame(10_000);
  assert.equal(frame(10_500), first);
  assert.equal(built, 1);
  assert.equal(frame(11_000).toString(), '11000');
  assert.equal(built, 2);
  // Two dialects, two frames: nothing is shared through the module.
  const other = sharedFrame(1000, () => Buffer.from('other'));
  assert.equal(other(11_000).toString(), 'other');
  assert.equal(frame(11_100).toString(), '11000');
});
