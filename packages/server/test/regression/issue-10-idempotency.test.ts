import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, signUp } from '../helpers/api.js';
import { startServer } from '../helpers/server.js';

// Issue #10: an Idempotency-Key handed one caller another's answer (a login's access token among them).

type Login = { access_token?: string; error?: { code: string } };
const posting = { company: 'Idem Corp', job_title: 'Engineer' };

test('a second login with the same Idempotency-Key and a wrong password gets no token', async (t) => {
  const { url } = await startServer(t);
  const anon = api(url);
  await signUp(url, 'Victim', 'job_seeker');
  const key = { 'idempotency-key': 'login-1' };
  const right = await anon<Login>(
    'POST',
    '/api/v1/auth/login',
    { email: 'victim@example.test', password: 'password-123' },
    key,
  );
  assert.equal(right.status, 200);
  assert.ok(right.body.access_token);
  const wrong = await anon<Login>(
    'POST',
    '/api/v1/auth/login',
    { email: 'victim@example.test', password: 'not-the-password' },
    key,
  );
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error?.code, 'unauthorized');
  assert.equal(wrong.body.access_token, undefined, 'no token for the wrong password');
  assert.equal(wrong.headers.get('idempotent-replayed'), null);
});

test('no stored answer holds a token, and the auth routes keep none at all', async (t) => {
  const { url, server } = await startServer(t);
  const anon = api(url);
  const user = await signUp(url, 'Keeper', 'recruiter');
  const login = { email: 'keeper@example.test', password: 'password-123' };
  await anon('POST', '/api/v1/auth/login', login, { 'idempotency-key': 'k-anon' });
  // Signed in and logging in again (a token refresh): still not kept.
  const again = await user.call<Login>('POST', '/api/v1/auth/login', login, { 'idempotency-key': 'k-user' });
  assert.ok(again.body.access_token);
  const registered = await user.call(
    'POST',
    '/api/v1/auth/register',
    { email: 'other@example.test', password: 'password-123', role: 'job_seeker', name: 'Other' },
    { 'idempotency-key': 'k-register' },
  );
  assert.equal(registered.status, 201);
  await user.call('POST', '/api/v1/auth/logout', undefined, { 'idempotency-key': 'k-logout' });
  const created = await user.call('POST', '/api/v1/jobs', posting, { 'idempotency-key': 'k-job' });
  assert.equal(created.status, 201);
  const rows = await server.store.db.selectFrom('idempotency_keys').selectAll().execute();
  assert.deepEqual(
    rows.map((r) => [r.scope, r.key, r.request]),
    [[user.id, 'k-job', 'POST /api/v1/jobs']],
    'only the posting is kept, under its user',
  );
  assert.ok(rows.every((r) => !r.response_body.includes('access_token')));
});

test('anonymous callers share nothing: the same key and body from two of them is two requests', async (t) => {
  const { url } = await startServer(t);
  const anon = api(url);
  const key = { 'idempotency-key': 'anon-1' };
  const first = await anon<{ id: number }>('POST', '/api/v1/jobs', posting, key);
  const second = await anon<{ id: number }>('POST', '/api/v1/jobs', posting, key);
  assert.equal(first.status, 201);
  assert.equal(second.status, 201);
  assert.equal(second.headers.get('idempotent-replayed'), null, 'not replayed to an anonymous caller');
  assert.notEqual(second.body.id, first.body.id);
});

test('a key is its user’s: another user with the same key gets an answer of their own', async (t) => {
  const { url } = await startServer(t);
  const ann = await signUp(url, 'Ann', 'recruiter');
  const bob = await signUp(url, 'Bob', 'recruiter');
  const key = { 'idempotency-key': 'shared-key' };
  const byAnn = await ann.call<{ id: number; posted_by: string }>('POST', '/api/v1/jobs', posting, key);
  const byBob = await bob.call<{ id: number; posted_by: string }>('POST', '/api/v1/jobs', posting, key);
  assert.equal(byBob.status, 201);
  assert.equal(byBob.headers.get('idempotent-replayed'), null);
  assert.notEqual(byBob.body.id, byAnn.body.id);
  assert.equal(byBob.body.posted_by, bob.id);
});

test('the same key with another body is 422 idempotency_key_reused and creates nothing', async (t) => {
  const { url } = await startServer(t);
  const user = await signUp(url, 'Reuser', 'recruiter');
  const key = { 'idempotency-key': 'body-1' };
  const first = await user.call<{ id: number }>('POST', '/api/v1/jobs', posting, key);
  assert.equal(first.status, 201);
  const other = await user.call<{ error: { code: string; message: string } }>(
    'POST',
    '/api/v1/jobs',
    { ...posting, job_title: 'Another role' },
    key,
  );
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  assert.match(other.body.error.message, /another body/);
  // The same body again, spaced and ordered differently, is a retry: the first answer.
  const retry = await fetch(`${url}/api/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...key },
    body: `{ "job_title": "Engineer",  "company": "Idem Corp" }`,
  });
  assert.equal(retry.status, 201);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal(((await retry.json()) as { id: number }).id, first.body.id);
  const list = await api(url)<{ total: number }>('GET', '/api/v1/jobs?company=Idem%20Corp');
  assert.equal(list.body.total, 1, 'one posting');
});
