import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from '../src/auth/password.js';

test('a password hashes to scrypt$N$r$p$salt$hash and verifies', async () => {
  const encoded = await hashPassword('correct horse battery');
  const parts = encoded.split('$');
  assert.deepEqual(parts.slice(0, 4), ['scrypt', '16384', '8', '1']);
  assert.equal(Buffer.from(parts[4]!, 'base64url').length, 16);
  assert.equal(Buffer.from(parts[5]!, 'base64url').length, 64);
  assert.equal(await verifyPassword('correct horse battery', encoded), true);
});

test('a wrong password does not verify', async () => {
  const encoded = await hashPassword('correct horse battery');
  assert.equal(await verifyPassword('correct horse batterz', encoded), false);
  assert.equal(await verifyPassword('', encoded), false);
});

test('two hashes of one password differ (fresh salt)', async () => {
  assert.notEqual(await hashPassword('same password'), await hashPassword('same password'));
});

test('a malformed or tampered hash never verifies', async () => {
  for (const encoded of [
    '',
    'plain',
    'scrypt$16384$8$1$$',
    'bcrypt$1$2$3$aaaa$bbbb',
    'scrypt$1048577$8$1$aa$bb',
  ])
    assert.equal(await verifyPassword('whatever', encoded), false, encoded);
});
