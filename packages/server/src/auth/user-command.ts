import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createUserService } from '../domain/users.js';
import type { Database } from '../store/schema.js';
import { parseInput, RegisterBody, type PublicUser } from './schemas.js';

/**
 * `jobstream user add --email … --password … --role … [--name …]`: creates an account of any role, the
 * way to make the first admin. `--name` defaults to the part of the email before `@`. Throws an AppError
 * (`invalid_message` with fields, or `conflict`) for bad input or a taken email.
 */
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
  const name = values.name ?? values.email?.split('@')[0];
  const input = parseInput(RegisterBody, { ...values, name });
  return createUserService(store.db).createUser(input);
}
