import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './helpers/server.js';

// A page on another origin asks first (a preflight OPTIONS) before it PUTs, PATCHes or DELETEs, or sends
// headers beyond the safelisted ones; the answer must allow every method and header the API uses.

const preflight = (url: string, path: string, origin: string, method: string, headers: string) =>
  fetch(`${url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });

const listed = (value: string | null) => (value ?? '').split(',').map((s) => s.trim().toLowerCase());

test('CORS preflight allows every method and request header the API uses', async (t) => {
  const { url } = await startServer(t);
  const asked = 'authorization, content-type, idempotency-key, last-event-id';
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    const res = await preflight(url, '/api/v1/sources/1', 'https://app.example', method, asked);
    assert.equal(res.status, 204, method);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.ok(listed(res.headers.get('access-control-allow-methods')).includes(method.toLowerCase()), method);
    const allowed = listed(res.headers.get('access-control-allow-headers'));
    for (const header of asked.split(', ')) assert.ok(allowed.includes(header), `${method}: ${header}`);
  }
  // The answer itself lets the page read when to retry.
  const answer = await fetch(`${url}/api/v1/sources`, { headers: { origin: 'https://app.example' } });
  assert.equal(answer.headers.get('access-control-allow-origin'), '*');
  assert.ok(listed(answer.headers.get('access-control-expose-headers')).includes('retry-after'));
});

test('with CORS_ORIGINS listed, a listed origin may DELETE with cookies; another is not answered', async (t) => {
  const { url } = await startServer(t, { CORS_ORIGINS: 'https://app.example' });
  const ok = await preflight(url, '/api/v1/jobs/1', 'https://app.example', 'DELETE', 'authorization');
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.ok(listed(ok.headers.get('access-control-allow-methods')).includes('delete'));
  const other = await preflight(url, '/api/v1/jobs/1', 'https://evil.example', 'DELETE', 'authorization');
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});
