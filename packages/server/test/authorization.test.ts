import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { createTokenService } from '../src/auth/tokens.js';
import { api, signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { SseClient } from './helpers/sse-client.js';
import { sleep, TestClient } from './helpers/ws-client.js';

test('no endpoint, WebSocket or HTTP, delivers one user’s events to another', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [a, b, r] = await Promise.all([
    signUp(url, 'Ann', 'job_seeker'),
    signUp(url, 'Ben', 'job_seeker'),
    signUp(url, 'Rob', 'recruiter'),
  ]);
  const userA = `user:${a.id}`;

  // WebSocket: B (and anonymous, and a recruiter) are refused A's topic, and role topics not theirs.
  const ws = await watcher(t, wsUrl, b.token, []);
  for (const topic of [userA, 'role:recruiter', 'role:admin', 'work:00000000-0000-0000-0000-000000000000']) {
    const refused = ws.upcoming('error', (m) => m.ref === topic);
    ws.send({ type: 'subscribe', topic });
    assert.equal((await refused).code, 'forbidden', topic);
  }
  const anon = await watcher(t, wsUrl, undefined, []);
  const refused = anon.upcoming('error', (m) => m.ref === userA);
  anon.send({ type: 'subscribe', topic: userA });
  assert.equal((await refused).code, 'forbidden');
  const own = await watcher(t, wsUrl, a.token, [userA]);

  // SSE and long-poll: the same rules.
  const sse = await fetch(`${url}/api/v1/events?topics=${userA}`, {
    headers: { authorization: `Bearer ${b.token}` },
  });
  assert.equal(sse.status, 403);
  const sseMixed = await fetch(`${url}/api/v1/events?topics=postings,${userA}`);
  assert.equal(sseMixed.status, 403, 'one forbidden topic refuses the stream');
  const poll = await api(url, b.token)('GET', `/api/v1/events/poll?topic=${userA}&timeout=0`);
  assert.equal(poll.status, 403);
  const ownSse = new SseClient(`${url}/api/v1/events?topics=${userA}`, {
    authorization: `Bearer ${a.token}`,
  });
  t.after(() => ownSse.close());
  await ownSse.waitFor((e) => e.event === 'subscribed');

  // A's application event reaches A on every endpoint, and nobody else.
  const job = await r.call<{ id: number }>('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'Dev' });
  await a.call('POST', '/api/v1/applications', { posting_id: job.body.id });
  await own.next('event', (m) => m.event === 'application.created');
  await ownSse.waitFor((e) => e.event === 'application.created');
  const ownPoll = await api(url, a.token)<{ events: { event: string }[] }>(
    'GET',
    `/api/v1/events/poll?topic=${userA}&since=0&timeout=0`,
  );
  assert.deepEqual(
    ownPoll.body.events.map((e) => e.event),
    ['application.created', 'followup.created'], // applying proposes A's follow-up (FOLLOWUP_DAYS)
  );
  await sleep(100);
  assert.equal(ws.events().length, 0);
  assert.equal(anon.events().length, 0);
});

test('AUTH_REQUIRED: credentials everywhere; only recruiters and admins create postings', async (t) => {
  const { url, wsUrl } = await startServer(t, { AUTH_REQUIRED: 'true' });
  const anonymous = new TestClient(`${wsUrl}/ws`);
  t.after(() => anonymous.ws.terminate());
  assert.equal((await anonymous.closed).code, CloseCode.authFailed);
  const malformed = new TestClient(`${wsUrl}/ws?token=not-a-jwt`);
  t.after(() => malformed.ws.terminate());
  assert.equal((await malformed.closed).code, CloseCode.malformedToken);

  assert.equal((await fetch(`${url}/api/v1/events?topics=postings`)).status, 401);
  assert.equal((await api(url)('POST', '/api/v1/jobs', { company: 'A', job_title: 'B' })).status, 401);
  const seeker = await signUp(url, 'Sue', 'job_seeker');
  const recruiter = await signUp(url, 'Ray', 'recruiter');
  assert.equal((await seeker.call('POST', '/api/v1/jobs', { company: 'A', job_title: 'B' })).status, 403);
  assert.equal((await recruiter.call('POST', '/api/v1/jobs', { company: 'A', job_title: 'B' })).status, 201);
  const signedIn = await watcher(t, wsUrl, seeker.token, ['postings']);
  assert.equal(signedIn.ws.readyState, signedIn.ws.OPEN);
});

test('a token that lapses on a live connection closes it with 4004, unless refreshed first', async (t) => {
  const { url, wsUrl, server } = await startServer(t);
  const user = await signUp(url, 'Tia', 'job_seeker');
  const shortLived = await createTokenService({ dataDir: server.store.dataDir, ttlSeconds: 1 });

  const lapsing = await watcher(
    t,
    wsUrl,
    (await shortLived.sign({ id: user.id, role: 'job_seeker' })).token,
    [`user:${user.id}`],
  );
  const refreshed = await watcher(
    t,
    wsUrl,
    (await shortLived.sign({ id: user.id, role: 'job_seeker' })).token,
    [`user:${user.id}`],
  );
  const answer = refreshed.upcoming('refreshed');
  refreshed.send({ type: 'refresh', token: user.token }); // a one-hour token
  const expiresAt = Date.parse(String((await answer).expires_at));
  assert.ok(expiresAt > Date.now() + 30 * 60_000);

  const other = await signUp(url, 'Uma', 'job_seeker');
  const wrongUser = refreshed.upcoming('error');
  refreshed.send({ type: 'refresh', token: other.token });
  assert.equal((await wrongUser).code, 'forbidden');

  assert.equal((await lapsing.closed).code, CloseCode.tokenExpired);
  await sleep(300);
  assert.equal(refreshed.ws.readyState, refreshed.ws.OPEN, 'the refreshed connection stays');

  // A token that has already lapsed is refused at connect with the same code.
  const stale = (await shortLived.sign({ id: user.id, role: 'job_seeker' })).token;
  await sleep(2100);
  const expired = new TestClient(`${wsUrl}/ws?token=${stale}`);
  t.after(() => expired.ws.terminate());
  assert.equal((await expired.closed).code, CloseCode.tokenExpired);
});
