import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CloseCode } from '@jobstream/protocol';
import { createTokenService } from '../src/auth/tokens.js';
import { AppError } from '../src/errors.js';

const secret = 'a-test-secret-of-sufficient-length';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-auth-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function rejectsWith(promise: Promise<unknown>, closeCode: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError);
    // A lapsed token says so (refresh it); anything else is plainly unauthorized.
    assert.equal(error.code, closeCode === CloseCode.tokenExpired ? 'token_expired' : 'unauthorized');
    assert.equal(error.httpStatus, 401);
    assert.equal(error.closeCode, closeCode);
    return true;
  });
}

test('own HS256 tokens round-trip with sub, role, iat, exp and iss', async (t) => {
  const tokens = await createTokenService({ jwtSecret: secret, dataDir: await tempDir(t) });
  assert.equal(tokens.ttlSeconds, 3600);
  const before = Date.now();
  const { token, expiresAt } = await tokens.sign({ id: 'user-1', role: 'recruiter' });
  const verified = await tokens.verify(token);
  assert.deepEqual(verified, { userId: 'user-1', role: 'recruiter', expiresAt, source: 'local' });
  assert.ok(Math.abs(expiresAt - (before + 3600_000)) < 2000);
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  assert.equal(payload.iss, 'jobstream');
  assert.equal(typeof payload.iat, 'number');
});

test('an expired token is refused with 4004', async (t) => {
  const tokens = await createTokenService({ jwtSecret: secret, dataDir: await tempDir(t) });
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ role: 'job_seeker' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setIssuer('jobstream')
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(secret));
  await rejectsWith(tokens.verify(expired), CloseCode.tokenExpired);
});

test('garbage is refused with 4003', async (t) => {
  const tokens = await createTokenService({ jwtSecret: secret, dataDir: await tempDir(t) });
  for (const garbage of ['', 'not-a-token', 'a.b.c', 'x.y', '{"alg":"HS256"}'])
    await rejectsWith(tokens.verify(garbage), CloseCode.malformedToken);
});

test('a token signed with another secret is refused with 4001', async (t) => {
  const dataDir = await tempDir(t);
  const ours = await createTokenService({ jwtSecret: secret, dataDir });
  const theirs = await createTokenService({ jwtSecret: 'another-secret-entirely-123', dataDir });
  const { token } = await theirs.sign({ id: 'user-1', role: 'admin' });
  await rejectsWith(ours.verify(token), CloseCode.authFailed);
});

test('an RS256 token is refused with 4001 when no JWKS is configured', async (t) => {
  const tokens = await createTokenService({ jwtSecret: secret, dataDir: await tempDir(t) });
  const { privateKey } = await generateKeyPair('RS256');
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject('u')
    .setExpirationTime('1h')
    .sign(privateKey);
  await rejectsWith(tokens.verify(token), CloseCode.authFailed);
});

test('the generated secret is kept in the data directory (0600) and reused after a restart', async (t) => {
  const dataDir = join(await tempDir(t), 'nested');
  const first = await createTokenService({ dataDir });
  const { token } = await first.sign({ id: 'user-1', role: 'job_seeker' });
  const file = join(dataDir, 'jwt-secret');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const stored = await readFile(file, 'utf8');
  const second = await createTokenService({ dataDir });
  assert.equal((await second.verify(token)).userId, 'user-1');
  assert.equal(await readFile(file, 'utf8'), stored);
});

test('RS256 tokens verify against a JWKS served over HTTP', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys = [
    { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' },
  ];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  const tokens = await createTokenService({
    jwtSecret: secret,
    jwtJwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    dataDir: await tempDir(t),
  });
  const token = await new SignJWT({ role: 'recruiter' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('external-7')
    .setIssuer('https://idp.example')
    .setExpirationTime('10m')
    .sign(privateKey);
  const verified = await tokens.verify(token);
  assert.equal(verified.userId, 'external-7');
  assert.equal(verified.role, 'recruiter');
  assert.equal(verified.source, 'jwks');

  const es = await new SignJWT({ user_id: 42 })
    .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
    .setExpirationTime('10m')
    .sign(ec.privateKey);
  assert.deepEqual(
    { ...(await tokens.verify(es)), expiresAt: 0 },
    {
      userId: '42',
      role: null,
      expiresAt: 0,
      source: 'jwks',
    },
  );

  // Another key with the same kid is a bad signature; own HS256 tokens still work beside the JWKS.
  const other = await generateKeyPair('RS256');
  const forged = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('external-7')
    .setExpirationTime('10m')
    .sign(other.privateKey);
  await rejectsWith(tokens.verify(forged), CloseCode.authFailed);
  const own = await tokens.sign({ id: 'local-1', role: 'job_seeker' });
  assert.equal((await tokens.verify(own.token)).source, 'local');
});
