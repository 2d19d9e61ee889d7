import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobFeedRateLimit, rateLimitMessage } from '../src/gateway/dialects/job-feed-rate-limit.js';

const MINUTE = 60_000;

test('100 messages a minute: the 101st is refused, one more every 0.6 s', () => {
  const limit = new JobFeedRateLimit(0);
  for (let i = 0; i < 100; i++) assert.equal(limit.take(0), null, `message ${i + 1}`);
  assert.deepEqual(limit.take(0), { limit: 'minute', retryAfterSeconds: 1 });
  assert.deepEqual(limit.take(500), { limit: 'minute', retryAfterSeconds: 1 });
  assert.equal(limit.take(600), null);
  assert.notEqual(limit.take(600), null);
  // A minute later the whole allowance is back.
  for (let i = 0; i < 100; i++) assert.equal(limit.take(MINUTE + 600), null);
});

test('1000 messages an hour, even when each minute stays under 100', () => {
  const limit = new JobFeedRateLimit(0);
  let sent = 0;
  const last = 11 * MINUTE;
  // 100 a minute for ten minutes is the hour's allowance; the hour bucket refills 1000/3600 a second.
  for (let now = 0; now <= last; now += MINUTE) {
    for (let i = 0; i < 100; i++) if (limit.take(now) === null) sent++;
  }
  // 1000 at once plus 11 minutes of refill: about 1183.
  assert.ok(sent >= 1000 && sent < 1200, `${sent} messages allowed`);
  const refusal = limit.take(last);
  assert.equal(refusal?.limit, 'hour');
  assert.ok(refusal.retryAfterSeconds >= 1 && refusal.retryAfterSeconds <= 4);
  assert.match(
    rateLimitMessage(refusal),
    /^Rate limit exceeded: at most 100 messages per minute and 1000 per hour; retry in \d+ s$/,
  );
});

test('a refused message takes nothing from the allowance', () => {
  const limit = new JobFeedRateLimit(0, 2, 1000);
  assert.equal(limit.take(0), null);
  assert.equal(limit.take(0), null);
  for (let i = 0; i < 50; i++) assert.notEqual(limit.take(0), null);
  assert.equal(limit.take(30_000), null, 'half a minute refills one of two');
});
