import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { signUp } from '../helpers/api.js';
import { clientFrame, RawWs } from '../helpers/raw-ws.js';
import { startServer } from '../helpers/server.js';

// Issue #10: a client flooding /ws was closed with 1008 without the `rate_limited` errors that
// docs/PROTOCOL.md promises: the errors were queued, then dropped by the close.

test('a flood on /ws gets a rate_limited error before 1008, once, not one per dropped message', async (t) => {
  const { url } = await startServer(t, { RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '10' });
  const client = await RawWs.open(Number(new URL(url).port), '/ws');
  t.after(() => client.socket.destroy());
  assert.ok(await client.until(() => client.texts().some((text) => text.includes('"welcome"'))));
  // 40 pings in one write: 10 within the burst, 10 refused, then the 11th refusal is a flood.
  const ping = clientFrame('{"type":"ping"}');
  client.write(Buffer.concat(Array.from({ length: 40 }, () => ping)));
  const { code } = await client.closed;
  assert.equal(code, CloseCode.policy);
  const messages = client.texts().map((text) => JSON.parse(text) as { type: string; code?: string });
  assert.equal(messages.filter((m) => m.type === 'pong').length, 10);
  const limited = messages.filter((m) => m.type === 'error');
  assert.deepEqual(
    limited.map((m) => m.code),
    ['rate_limited'],
    'one rate_limited error (at most one a second), sent before the close',
  );
});

test('every dialect with an error message says so before a flood closes it', async (t) => {
  const { url } = await startServer(t, { RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '10' });
  const port = Number(new URL(url).port);
  const cases = [
    {
      path: '/api/v1/ws',
      message: '{"action":"pong"}',
      error: (m: Record<string, unknown>) => m.type === 'system.error',
    },
    {
      path: '/api/v1/ws/jobs',
      message: '{"type":"pong"}',
      error: (m: Record<string, unknown>) =>
        m.type === 'error' && /^Rate limit/.test(String((m.data as { message?: string }).message)),
    },
  ];
  for (const { path, message, error } of cases) {
    const client = await RawWs.open(port, path);
    t.after(() => client.socket.destroy());
    const frame = clientFrame(message);
    client.write(Buffer.concat(Array.from({ length: 40 }, () => frame)));
    assert.equal((await client.closed).code, CloseCode.policy, path);
    const messages = client.texts().map((text) => JSON.parse(text) as Record<string, unknown>);
    assert.equal(messages.filter(error).length, 1, `${path}: ${JSON.stringify(messages)}`);
  }
});

// A client that flooded while it was still being signed in was closed before its session opened, so
// no one told it why: the dialect now opens, says so, and then the connection is closed.
test('a flood sent with the upgrade, before the client is signed in, still gets its error', async (t) => {
  const { url } = await startServer(t, { RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '10' });
  const seeker = await signUp(url, 'Ada', 'job_seeker');
  const ping = clientFrame('{"type":"ping"}');
  const flood = Buffer.concat(Array.from({ length: 40 }, () => ping));
  const path = `/ws/notifications/?token=${seeker.token}`;
  const client = await RawWs.open(Number(new URL(url).port), path, [], flood);
  t.after(() => client.socket.destroy());
  assert.equal((await client.closed).code, CloseCode.policy);
  const messages = client.texts().map((text) => JSON.parse(text) as { type: string; message?: string });
  const errors = messages.filter((m) => m.type === 'error').map((m) => m.message);
  assert.deepEqual(errors, ['Rate limit exceeded: too many messages, slow down'], JSON.stringify(messages));
});
