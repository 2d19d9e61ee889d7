import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { api } from '../helpers/api.js';
import { makePerson, mintToken, TEST_JWT_SECRET } from '../helpers/principals.js';
import { RawSocket, typed } from '../helpers/raw-socket.js';
import { startServer } from '../helpers/server.js';
import { SseClient } from '../helpers/sse-client.js';

// Tokens of two seconds (JWT times are whole seconds: they lapse within one to two).
const SHORT = 2;

test('SSE: a stream whose token lapses ends with an error event (token_expired) and close 4004', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const user = await makePerson(server, 'Sam', 'job_seeker');
  const token = await mintToken(user, SHORT);
  const stream = new SseClient(`${server.url}/api/v1/events?topics=user:${user.id}`, {
    authorization: `Bearer ${token}`,
  });
  t.after(() => stream.close());
  await stream.waitFor((e) => e.event === 'subscribed');
  await stream.waitFor((e) => e.event === 'close', 10_000);
  await stream.ended;
  const [error, close] = stream.events.slice(-2);
  assert.equal(error?.event, 'error');
  assert.deepEqual(JSON.parse(error?.data ?? '{}'), { code: 'token_expired', message: 'token expired' });
  assert.deepEqual(JSON.parse(close?.data ?? '{}'), {
    code: CloseCode.tokenExpired,
    reason: 'token expired',
  });

  // What happens to the user afterwards reaches no stream opened with that token.
  await api(server.url, user.token)('PUT', '/api/v1/profile', { skills: ['go'] });
  assert.ok(!stream.events.some((e) => e.event === 'profile.updated'));
});

test('long-poll: a poll in progress ends with 401 token_expired when its token lapses; a lapsed token is refused', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const user = await makePerson(server, 'Pat', 'job_seeker');
  const poll = (token: string) =>
    fetch(`${server.url}/api/v1/events/poll?topic=user:${user.id}&timeout=30`, {
      headers: { authorization: `Bearer ${token}` },
      // Without the fix the poll would wait its 30 s: give up well before, and fail.
      signal: AbortSignal.timeout(20_000),
    });
  const waiting = await poll(await mintToken(user, SHORT));
  assert.equal(waiting.status, 401);
  assert.deepEqual(await waiting.json(), { error: { code: 'token_expired', message: 'token expired' } });

  const lapsed = await poll(await mintToken(user, -1));
  assert.equal(lapsed.status, 401);
  assert.equal(((await lapsed.json()) as { error: { code: string } }).error.code, 'token_expired');
});

test('every WebSocket endpoint closes with 4004 when its token lapses', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const user = await makePerson(server, 'Kim', 'job_seeker');
  const posting = await api(server.url, user.token)<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Engineer',
  });
  const run = await api(server.url, user.token)<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'CV', text: 'TypeScript' },
    targets: [{ posting_id: posting.body.id }],
    criteria: [{ id: 'ts', label: 'TypeScript' }],
  });
  const endpoints = [
    { path: '/ws?', live: typed('welcome') },
    { path: `/api/v1/ws?user_id=${user.id}&`, live: typed('system.connected') },
    { path: '/ws/notifications/?', live: typed('connection_established') },
    { path: '/api/ws/jobs?', live: (f: unknown) => f === 'pong', kick: 'ping' },
    { path: '/api/v1/ws/jobs?', live: typed('connected') },
    { path: `/ws/matching-jobs/${run.body.job_id}?`, live: typed('matching.job.status') },
  ];
  await Promise.all(
    endpoints.map(async ({ path, live, kick }) => {
      const socket = new RawSocket(t, `${server.wsUrl}${path}token=${await mintToken(user, SHORT)}`);
      if (kick) socket.send(kick);
      await socket.waitFor(live); // it was open, and working
      assert.equal((await socket.closedWithin()).code, CloseCode.tokenExpired, path);
    }),
  );
});
