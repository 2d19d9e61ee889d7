import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createUserService } from '../domain/users.js';
import type { Database } from '../store/schema.js';
import { parseInput, RegisterBody, type PublicUser } from '../auth/schemas.js';

interface UserValues {
  readonly email?: string | undefined;
  readonly password?: string | undefined;
  readonly role?: string | undefined;
  readonly name?: string | undefined;
}

/**
 * Creates an account of any role, the way to make the first admin. `name` defaults to the part of the
 * email before `@`. Throws an AppError (`invalid_message` with fields, or `conflict`) for bad input or a
 * taken email.
 */
export async function addUser(
  store: { readonly db: Kysely<Database> },
  values: UserValues,
): Promise<PublicUser> {
  const name = values.name ?? values.email?.split('@')[0];
  const input = parseInput(RegisterBody, { ...values, name });
  return createUserService(store.db).createUser(input);
}

/** `jobstream user add --email … --password … --role … [--name …]`, from its arguments. */
export async function userAddCommand(
  store: { readonly db: Kysely<Database> },
  args: readonly string[],
): Promise<PublicUser> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  return addUser(store, values);
}

/** Every user, oldest first, as the API shows them (no password hashes). */
export function listUsers(store: { readonly db: Kysely<Database> }): Promise<PublicUser[]> {
  return store.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'created_at'])
    .orderBy('created_at')
    .orderBy('email')
    .execute();
}
