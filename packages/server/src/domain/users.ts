import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '@jobstream/protocol';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { PublicUser, RegisterBody, LoginBody } from '../auth/schemas.js';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { Database, User } from '../store/schema.js';

/** Accounts: sign-up, login and lookup. Inputs arrive parsed (see `auth/schemas.ts`). */
export interface UserService {
  /** Self-service sign-up; role admin only when `actor` is an admin. 409 on a taken email. */
  register(input: RegisterBody, actor?: Principal): Promise<PublicUser>;
  /** The user whose email and password these are; one 401 message for either being wrong. */
  login(input: LoginBody): Promise<PublicUser>;
  getUser(id: string): Promise<PublicUser | undefined>;
  /** Any role, no questions asked: for the CLI (`jobstream user add`). 409 on a taken email. */
  createUser(input: RegisterBody): Promise<PublicUser>;
}

const invalidLogin = () => new AppError(ErrorCode.unauthorized, 'invalid email or password');
const columns = ['id', 'email', 'name', 'role', 'created_at'] as const;

/**
 * The user service over the store's database (`store.db`); `onCreated` runs after each new account (the
 * local owner's time ends with the first).
 */
export function createUserService(db: Kysely<Database>, onCreated?: () => void): UserService {
  // Unknown emails are checked against a real hash too, so response time does not reveal which exist.
  let decoy: Promise<string> | undefined;

  async function createUser(input: RegisterBody): Promise<PublicUser> {
    const user: User = {
      id: randomUUID(),
      email: input.email.toLowerCase(),
      name: input.name,
      role: input.role,
      password_hash: await hashPassword(input.password),
      created_at: new Date().toISOString(),
    };
    const taken = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', user.email)
      .executeTakeFirst();
    if (taken !== undefined) throw emailTaken();
    try {
      await db.insertInto('users').values(user).execute();
    } catch (error) {
      // Two sign-ups racing past the check above meet the unique index.
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    onCreated?.();
    return publicUser(user);
  }

  return {
    createUser,
    async register(input, actor) {
      if (input.role === 'admin' && actor?.role !== 'admin') {
        throw new AppError(ErrorCode.forbidden, 'only an admin may create an admin account');
      }
      return createUser(input);
    },
    async login(input) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', input.email.toLowerCase())
        .executeTakeFirst();
      if (row === undefined) {
        decoy ??= hashPassword(randomUUID());
        await verifyPassword(input.password, await decoy);
        throw invalidLogin();
      }
      if (!(await verifyPassword(input.password, row.password_hash))) throw invalidLogin();
      return publicUser(row);
    },
    async getUser(id) {
      return db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
    },
  };
}

function publicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, created_at: user.created_at };
}

function emailTaken(): AppError {
  return new AppError(ErrorCode.conflict, 'an account with this email already exists', {
    fields: [{ path: 'email', message: 'already registered' }],
  });
}

/** SQLite (`SQLITE_CONSTRAINT_UNIQUE`) and PostgreSQL (`23505`) name a unique violation differently. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
