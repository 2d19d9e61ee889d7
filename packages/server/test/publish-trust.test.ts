import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { api, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { publish, TestClient } from './helpers/ws-client.js';

// Publishing without JOBSTREAM_API_KEY is for programs on this machine. A reverse proxy on the same
// host is a loopback peer too, but it relays anyone's request: its forwarding headers give it away.

test('without an API key a loopback caller publishes, but not one relayed by a proxy', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const victim = await TestClient.connect(t, `${wsUrl}/ws`);
  await victim.subscribe('postings');

  const local = await publish(url, { topic: 'postings', type: 'posting.created', data: {} });
  assert.deepEqual(local, { status: 200, body: { topic: 'postings', seq: 1 } });

  const relayed: Record<string, string>[] = [
    { 'x-forwarded-for': '203.0.113.7' },
    { forwarded: 'for=203.0.113.7;proto=https' },
    { 'x-real-ip': '203.0.113.7' },
    { 'x-forwarded-for': '127.0.0.1' },
    { 'x-forwarded-host': 'jobs.example.com', 'x-forwarded-proto': 'https' },
  ];
  for (const headers of relayed) {
    const forged = { topic: 'postings', type: 'posting.created', data: { forged: true } };
    const answer = await publish(url, forged, headers);
    assert.equal(answer.status, 401, JSON.stringify(headers));
    const error = answer.body.error as { code: string; message: string };
    assert.equal(error.code, 'unauthorized');
    assert.match(error.message, /JOBSTREAM_API_KEY/);
    assert.deepEqual(Object.keys(answer.body), ['error']);
  }
  // Nothing refused was published: the next event is seq 2.
  const next = await publish(url, { topic: 'postings', type: 'posting.created', data: {} });
  assert.equal(next.body.seq, 2);
  await victim.next('event', (m) => m.seq === 2);
  assert.equal(victim.events('postings').length, 2);
});

test('with the API key, publishing through a proxy works, and the scheme is case-insensitive', async (t) => {
  const key = 'a-key-of-some-length';
  const { url } = await startServer(t, { JOBSTREAM_API_KEY: key });
  const through = { 'x-forwarded-for': '203.0.113.7' };
  const body = { topic: 'postings', type: 'posting.created', data: {} };
  assert.equal((await publish(url, body, through)).status, 401, 'no key: refused even from loopback');
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    const answer = await publish(url, body, { ...through, authorization: `${scheme} ${key}` });
    assert.equal(answer.status, 200, scheme);
  }
  assert.equal((await publish(url, body, { authorization: `Basic ${key}` })).status, 401);
  assert.equal((await publish(url, body, { authorization: `bearer ${key}x` })).status, 401);
});

test('a user token is read whatever the case of its scheme', async (t) => {
  const { url } = await startServer(t);
  const ada = await signUp(url, 'Ada', 'job_seeker');
  for (const scheme of ['bearer', 'BEARER']) {
    const me = await api(url)('GET', '/api/v1/auth/me', undefined, {
      authorization: `${scheme} ${ada.token}`,
    });
    assert.equal(me.status, 200, scheme);
  }
});

test('TRUST_PROXY: false by default; true, a hop count, or addresses and ranges; nonsense refused', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy, [
    '10.0.0.0/8',
    'loopback',
    '::1',
  ]);
  for (const bad of ['proxy.example', '10.0.0.0/33', '127.1', 'yes please']) {
    assert.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad);
  }
});
