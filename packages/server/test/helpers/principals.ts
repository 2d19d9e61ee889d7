import { SignJWT } from 'jose';
import { createUserService } from '../../src/domain/users.js';
import type { Role } from '@jobstream/protocol';
import type { TestServer } from './server.js';

/** The `JWT_SECRET` of servers whose tests mint their own tokens. */
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';
/** A secret the server does not know: tokens signed with it are forged. */
export const FOREIGN_JWT_SECRET = 'not-the-servers-secret-0123456789';

/**
 * An HS256 token as the server signs them (`iss` jobstream, `sub`, `role`), lapsing `ttlSeconds` from
 * now (negative: already lapsed). JWT times are whole seconds, so a token of 2 s lapses within 1–2 s.
 */
export async function mintToken(
  user: { readonly id: string; readonly role: string },
  ttlSeconds = 3600,
  secret = TEST_JWT_SECRET,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('jobstream')
    .setIssuedAt(Math.min(now, now + ttlSeconds - 1))
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

export interface Person {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly role: Role;
  /** A one-hour token of this user, signed with {@link TEST_JWT_SECRET}. */
  readonly token: string;
}

/**
 * A user made in the server's store (not over REST, whose sign-up and login are rate limited), with
 * a token. The server must run with `JWT_SECRET` = {@link TEST_JWT_SECRET}.
 */
export async function makePerson(server: TestServer, name: string, role: Role): Promise<Person> {
  const email = `${name.toLowerCase()}@example.test`;
  const password = 'password-123';
  const users = createUserService(server.server.store.db);
  const user = await users.createUser({ email, password, role, name });
  return { id: user.id, email, password, role, token: await mintToken(user) };
}
