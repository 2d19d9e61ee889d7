import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api } from '../helpers/api.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from '../helpers/redis.js';
import { startServer } from '../helpers/server.js';

// Issue #13: with REDIS_URL the login limit was counted on each node, so a client spreading its guesses
// over N nodes got N times the limit. The counts are kept in Redis now, shared by the cluster.

const attempt = (url: string) =>
  api(url)('POST', '/api/v1/auth/login', { email: 'ann@example.com', password: 'guess-guess' });

test('in a cluster the login limit holds across nodes', { skip: await redisSkip() }, async (t) => {
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix(t), LOGIN_RATE_LIMIT_PER_MIN: '3' };
  const a = await startServer(t, env);
  const b = await startServer(t, env);
  for (let i = 0; i < 3; i++)
    assert.equal((await attempt(i % 2 === 0 ? a.url : b.url)).status, 401, `attempt ${i + 1}`);
  const refused = await attempt(b.url);
  assert.equal(refused.status, 429, 'the fourth attempt, on either node, is over the limit');
  assert.equal((await attempt(a.url)).status, 429);
  // Another cluster on the same Redis (its own prefix) counts on its own.
  const other = await startServer(t, { ...env, REDIS_PREFIX: redisPrefix(t) });
  assert.equal((await attempt(other.url)).status, 401);
});
