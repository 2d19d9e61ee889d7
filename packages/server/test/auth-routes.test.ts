import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { createAuthorizer } from '../src/auth/authorizer.js';
import { createTokenService } from '../src/auth/tokens.js';
import { userAddCommand } from '../src/cli/user-command.js';
import { createUserService } from '../src/domain/users.js';
import { registerAuth, requireRole } from '../src/http/auth-plugin.js';
import { registerAuthRoutes } from '../src/http/auth-routes.js';
import { installErrorHandler } from '../src/http/error-handler.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';

interface Harness {
  readonly url: string;
  readonly store: Store;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** A real Fastify app on port 0 with the auth plugin and routes over a fresh SQLite store. */
async function start(t: TestContext): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-auth-routes-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(`sqlite:${join(dir, 'jobstream.db')}`);
  t.after(() => store.close());
  const users = createUserService(store.db);
  const tokens = await createTokenService({ dataDir: dir });
  const authorizer = createAuthorizer({ tokens, authRequired: false, findUser: (id) => users.getUser(id) });
  const app = Fastify();
  installErrorHandler(app);
  registerAuth(app, { authorizer, skip: (request) => request.url.startsWith('/api/v1/publish') });
  registerAuthRoutes(app, { users, tokens, secureCookies: false });
  app.get('/recruiters-only', (request) => ({ userId: requireRole(request, 'recruiter', 'admin').userId }));
  app.post('/api/v1/publish', (request) => ({ principal: request.principal }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    url,
    store,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
  };
}

const ann = { email: 'Ann@Example.com', password: 'correct horse', role: 'job_seeker', name: 'Ann' };

test('register, login, me and logout round trip', async (t) => {
  const h = await start(t);
  const registered = await h.post('/api/v1/auth/register', ann);
  assert.equal(registered.status, 201);
  const { user } = (await registered.json()) as { user: Record<string, unknown> };
  assert.equal(user.email, 'ann@example.com');
  assert.equal(user.role, 'job_seeker');
  assert.equal(user.password_hash, undefined);
  assert.match(String(user.id), /^[0-9a-f-]{36}$/);

  const login = await h.post('/api/v1/auth/login', { email: 'ANN@example.com', password: 'correct horse' });
  assert.equal(login.status, 200);
  const body = (await login.json()) as {
    access_token: string;
    token_type: string;
    expires_in: number;
    user: unknown;
  };
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 3600);
  assert.deepEqual(body.user, user);

  const cookie = login.headers.getSetCookie()[0]!;
  const attributes = cookie.split(';').map((s) => s.trim());
  const session = `jobstream_session=${body.access_token}`;
  assert.equal(attributes[0], session);
  for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=3600'])
    assert.ok(attributes.includes(attribute), `${attribute} in ${cookie}`);
  assert.ok(!attributes.includes('Secure'));

  for (const headers of [
    { cookie: session } as Record<string, string>,
    { authorization: `Bearer ${body.access_token}` },
  ]) {
    const me = await h.get('/api/v1/auth/me', headers);
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { user });
  }
  const meAnonymous = await h.get('/api/v1/auth/me');
  assert.equal(meAnonymous.status, 401);

  // A session renews before it lapses: a fresh token of the same user, refused without one.
  const refresh = await h.post('/api/v1/auth/refresh', undefined, {
    authorization: `Bearer ${body.access_token}`,
  });
  assert.equal(refresh.status, 200);
  const renewed = (await refresh.json()) as typeof body;
  assert.deepEqual(renewed.user, user);
  assert.equal(renewed.expires_in, 3600);
  const meRenewed = await h.get('/api/v1/auth/me', { authorization: `Bearer ${renewed.access_token}` });
  assert.equal(meRenewed.status, 200);
  assert.equal((await h.post('/api/v1/auth/refresh', undefined)).status, 401);

  const logout = await h.post('/api/v1/auth/logout', undefined, { cookie: session });
  assert.equal(logout.status, 204);
  const cleared = logout.headers.getSetCookie()[0]!;
  assert.match(cleared, /^jobstream_session=;/);
  assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
});

test('a wrong password and an unknown email get the same 401', async (t) => {
  const h = await start(t);
  await h.post('/api/v1/auth/register', ann);
  for (const attempt of [
    { email: ann.email, password: 'wrong password' },
    { email: 'nobody@example.com', password: 'correct horse' },
  ]) {
    const response = await h.post('/api/v1/auth/login', attempt);
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), {
      error: { code: 'unauthorized', message: 'invalid email or password' },
    });
  }
});

test('a taken email (in any case) is 409', async (t) => {
  const h = await start(t);
  assert.equal((await h.post('/api/v1/auth/register', ann)).status, 201);
  const again = await h.post('/api/v1/auth/register', {
    ...ann,
    email: 'ANN@example.COM',
    role: 'recruiter',
  });
  assert.equal(again.status, 409);
  assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'conflict');
});

test('two sign-ups racing for one email: one 201, one 409', async (t) => {
  const h = await start(t);
  const statuses = await Promise.all(
    [0, 1].map(async () => (await h.post('/api/v1/auth/register', ann)).status),
  );
  assert.deepEqual(statuses.sort(), [201, 409]);
});

test('only an admin may register an admin', async (t) => {
  const h = await start(t);
  const refused = await h.post('/api/v1/auth/register', { ...ann, role: 'admin' });
  assert.equal(refused.status, 403);

  await userAddCommand(h.store, [
    '--email',
    'root@example.com',
    '--password',
    'admin password',
    '--role',
    'admin',
  ]);
  const login = await h.post('/api/v1/auth/login', { email: 'root@example.com', password: 'admin password' });
  const { access_token: token, user } = (await login.json()) as {
    access_token: string;
    user: { name: string };
  };
  assert.equal(user.name, 'root');
  const created = await h.post(
    '/api/v1/auth/register',
    { ...ann, role: 'admin' },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(created.status, 201);
});

test('a bad body is 400 with the field errors', async (t) => {
  const h = await start(t);
  const response = await h.post('/api/v1/auth/register', {
    email: 'not-an-email',
    password: 'short',
    role: 'boss',
  });
  assert.equal(response.status, 400);
  const { error } = (await response.json()) as { error: { code: string; fields: { path: string }[] } };
  assert.equal(error.code, 'invalid_message');
  assert.deepEqual(error.fields.map((f) => f.path).sort(), ['email', 'name', 'password', 'role']);
  const login = await h.post('/api/v1/auth/login', { email: 'a@b.io' });
  assert.equal(login.status, 400);
});

test('a bad token is 401 on every route, never anonymous; open and skipped routes ignore it', async (t) => {
  const h = await start(t);
  for (const token of ['garbage', 'a.b.c']) {
    const response = await h.get('/api/v1/auth/me', { authorization: `Bearer ${token}` });
    assert.equal(response.status, 401);
    assert.equal((await h.get('/recruiters-only', { authorization: `Bearer ${token}` })).status, 401);
  }
  // Signing up and in are answered as for anyone: a stale session cookie never locks its owner out.
  const stale = { cookie: 'jobstream_session=x.y', authorization: 'Bearer a.b.c' };
  assert.equal((await h.post('/api/v1/auth/register', ann, stale)).status, 201);
  assert.equal(
    (await h.post('/api/v1/auth/login', { email: ann.email, password: ann.password }, stale)).status,
    200,
  );
  assert.equal((await h.post('/api/v1/auth/logout', undefined, stale)).status, 204);
  const malformedCookie = await h.get('/api/v1/auth/me', { cookie: 'jobstream_session=x.y' });
  assert.equal(malformedCookie.status, 401);
  const publish = await h.post('/api/v1/publish', {}, { authorization: 'Bearer the-api-key' });
  assert.deepEqual(await publish.json(), { principal: { userId: null, role: null, expiresAt: null } });
});

test('requireRole: 401 anonymous, 403 wrong role, 200 right role', async (t) => {
  const h = await start(t);
  assert.equal((await h.get('/recruiters-only')).status, 401);
  for (const [role, status] of [
    ['job_seeker', 403],
    ['recruiter', 200],
  ] as const) {
    const email = `${role}@example.com`;
    await h.post('/api/v1/auth/register', { ...ann, email, role });
    const login = await h.post('/api/v1/auth/login', { email, password: ann.password });
    const { access_token: token } = (await login.json()) as { access_token: string };
    assert.equal((await h.get('/recruiters-only', { authorization: `Bearer ${token}` })).status, status);
  }
});
