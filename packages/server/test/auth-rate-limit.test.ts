import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { api } from './helpers/api.js';
import { startServer } from './helpers/server.js';

// Logins and registrations are limited per client address, so that passwords cannot be guessed at
// speed nor accounts made in bulk.

type ErrorBody = { error: { code: string; message: string } };

const attempt = (url: string, headers: Record<string, string> = {}) =>
  api(url)<ErrorBody>('POST', '/api/v1/auth/login', { email: 'ann@example.com', password: 'guess' }, headers);

test('by default the 11th login and the 6th registration in a minute are refused with 429', async (t) => {
  const defaults = loadConfig({});
  assert.equal(defaults.loginRateLimitPerMin, 10);
  assert.equal(defaults.registerRateLimitPerMin, 5);
  // The test helper lifts both limits for the other suites: put the defaults back.
  const { url } = await startServer(t, {
    LOGIN_RATE_LIMIT_PER_MIN: String(defaults.loginRateLimitPerMin),
    REGISTER_RATE_LIMIT_PER_MIN: String(defaults.registerRateLimitPerMin),
  });
  for (let i = 0; i < 10; i++) assert.equal((await attempt(url)).status, 401, `attempt ${i + 1}`);
  const refused = await attempt(url);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'rate_limited');
  assert.match(refused.body.error.message, /retry in/);
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);

  // Registration counts on its own.
  const register = (i: number) =>
    api(url)<ErrorBody>('POST', '/api/v1/auth/register', {
      email: `user${i}@example.com`,
      password: 'password-123',
      role: 'job_seeker',
      name: `User ${i}`,
    });
  for (let i = 0; i < 5; i++) assert.equal((await register(i)).status, 201, `registration ${i + 1}`);
  const sixth = await register(5);
  assert.equal(sixth.status, 429);
  assert.equal(sixth.body.error.code, 'rate_limited');
  assert.ok(Number(sixth.headers.get('retry-after')) >= 1);
  // Other routes are not limited.
  assert.equal((await api(url)('GET', '/health')).status, 200);
});

test('a forged X-Forwarded-For does not reset the count; behind a TRUST_PROXY it names the client', async (t) => {
  const direct = await startServer(t, { LOGIN_RATE_LIMIT_PER_MIN: '2' });
  for (const ip of ['203.0.113.1', '203.0.113.2']) {
    assert.equal((await attempt(direct.url, { 'x-forwarded-for': ip })).status, 401);
  }
  const forged = await attempt(direct.url, { 'x-forwarded-for': '203.0.113.3' });
  assert.equal(forged.status, 429, 'without TRUST_PROXY the header is not believed');

  const proxied = await startServer(t, { LOGIN_RATE_LIMIT_PER_MIN: '2', TRUST_PROXY: 'loopback' });
  const from = (ip: string) => attempt(proxied.url, { 'x-forwarded-for': ip });
  assert.deepEqual(
    [
      (await from('203.0.113.1')).status,
      (await from('203.0.113.1')).status,
      (await from('203.0.113.1')).status,
    ],
    [401, 401, 429],
  );
  assert.equal((await from('203.0.113.2')).status, 401, 'another client behind the proxy has its own count');
});

test('a limit of 0 turns it off', async (t) => {
  const { url } = await startServer(t, { LOGIN_RATE_LIMIT_PER_MIN: '0' });
  for (let i = 0; i < 15; i++) assert.equal((await attempt(url)).status, 401);
});
