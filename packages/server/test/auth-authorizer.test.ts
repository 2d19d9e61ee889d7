import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { createAuthorizer } from '../src/auth/authorizer.js';
import { createTokenService, type TokenService } from '../src/auth/tokens.js';
import { AppError } from '../src/errors.js';
import { anonymous, type Principal } from '../src/auth/principal.js';

const principals: Record<string, Principal> = {
  anonymous,
  seekerA: { userId: 'A', role: 'job_seeker', expiresAt: null },
  seekerB: { userId: 'B', role: 'job_seeker', expiresAt: null },
  recruiter: { userId: 'R', role: 'recruiter', expiresAt: null },
  admin: { userId: 'Z', role: 'admin', expiresAt: null },
};
const topics = [
  'postings',
  'user:A',
  'user:B',
  'role:recruiter',
  'role:job_seeker',
  'work:owned-by-A',
  'work:anonymous',
  'work:missing',
  'system',
  'mystery:1',
  'user:',
] as const;

/** Who may read each topic when auth is open; `*` is everyone, anonymous included. */
const open: Record<(typeof topics)[number], string[] | '*'> = {
  postings: '*',
  'user:A': ['seekerA', 'admin'],
  'user:B': ['seekerB', 'admin'],
  'role:recruiter': ['recruiter', 'admin'],
  'role:job_seeker': ['seekerA', 'seekerB', 'admin'],
  'work:owned-by-A': ['seekerA', 'admin'],
  'work:anonymous': '*',
  'work:missing': [],
  system: '*',
  // An application's own topics (published through the API) are broadcast, like postings.
  'mystery:1': '*',
  'user:': ['admin'],
};

const owners: Record<string, string | null> = { 'owned-by-A': 'A', anonymous: null };
const unusedTokens: TokenService = {
  ttlSeconds: 60,
  sign: () => Promise.reject(new Error('unused')),
  verify: () => Promise.reject(new Error('unused')),
};

for (const authRequired of [false, true]) {
  describe(`canRead with authRequired=${authRequired}`, () => {
    const authorizer = createAuthorizer({
      tokens: unusedTokens,
      authRequired,
      workOwner: (id) => Promise.resolve(owners[id]),
    });
    for (const topic of topics) {
      test(topic, async () => {
        const allowed = open[topic];
        for (const [name, principal] of Object.entries(principals)) {
          let expected = allowed === '*' || allowed.includes(name);
          if (authRequired && name === 'anonymous') expected = false;
          assert.equal(await authorizer.canRead(principal, topic), expected, `${name} reading ${topic}`);
        }
      });
    }
  });
}

test('without workOwner, work topics are for admins only', async () => {
  const authorizer = createAuthorizer({ tokens: unusedTokens, authRequired: false });
  assert.equal(await authorizer.canRead(principals.seekerA!, 'work:1'), false);
  assert.equal(await authorizer.canRead(principals.admin!, 'work:1'), true);
});

describe('authenticate', async () => {
  const tokens = await createTokenService({ jwtSecret: 'a-test-secret-of-sufficient-length', dataDir: '.' });
  const { token, expiresAt } = await tokens.sign({ id: 'A', role: 'job_seeker' });
  const other = await tokens.sign({ id: 'B', role: 'recruiter' });
  const withUsers = (authRequired: boolean) =>
    createAuthorizer({
      tokens,
      authRequired,
      findUser: (id) => Promise.resolve(id === 'A' ? { id: 'A', role: 'admin' as const } : undefined),
    });
  const plain = createAuthorizer({ tokens, authRequired: false });
  const seekerA = { userId: 'A', role: 'job_seeker', expiresAt };

  test('reads ?token=, then the session cookie, then Authorization: Bearer', async () => {
    const b = { userId: 'B', role: 'recruiter', expiresAt: other.expiresAt };
    assert.deepEqual(await plain.authenticate({ headers: {}, url: `/ws?x=1&token=${token}` }), seekerA);
    assert.deepEqual(
      await plain.authenticate({ headers: { cookie: `a=1; jobstream_session=${token}` } }),
      seekerA,
    );
    assert.deepEqual(await plain.authenticate({ headers: { authorization: `Bearer ${token}` } }), seekerA);
    const all = {
      headers: { cookie: `jobstream_session=${other.token}`, authorization: `Bearer ${other.token}` },
      url: `/ws?token=${token}`,
    };
    assert.deepEqual(await plain.authenticate(all), seekerA);
    assert.deepEqual(await plain.authenticate({ ...all, url: '/ws' }), b);
  });

  test('no credential is anonymous, unless authentication is required', async () => {
    assert.deepEqual(await plain.authenticate({ headers: {}, url: '/ws' }), anonymous);
    const strict = createAuthorizer({ tokens, authRequired: true });
    await assert.rejects(strict.authenticate({ headers: {}, url: '/ws' }), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.closeCode, CloseCode.authFailed);
      assert.equal(error.message, 'authentication required');
      return true;
    });
    assert.deepEqual(await strict.identify({ headers: {}, url: '/ws' }), anonymous);
  });

  test('a bad credential is refused, never read as anonymous', async () => {
    for (const authRequired of [false, true]) {
      const authorizer = createAuthorizer({ tokens, authRequired });
      await assert.rejects(authorizer.authenticate({ headers: {}, url: '/ws?token=garbage' }), {
        closeCode: CloseCode.malformedToken,
      });
      await assert.rejects(authorizer.identify({ headers: { authorization: 'Bearer x.y.z' } }), {
        closeCode: CloseCode.malformedToken,
      });
    }
  });

  test('findUser supplies the current role and refuses tokens of unknown users', async () => {
    const authorizer = withUsers(false);
    assert.deepEqual(await authorizer.authenticate({ headers: { authorization: `Bearer ${token}` } }), {
      ...seekerA,
      role: 'admin',
    });
    await assert.rejects(authorizer.verifyToken(other.token), { closeCode: CloseCode.authFailed });
    assert.deepEqual(await plain.verifyToken(token), seekerA);
  });
});
