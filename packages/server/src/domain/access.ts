import { ErrorCode, type Role } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';

/** A signed-in principal: its user id is known. */
export type SignedIn = Principal & { readonly userId: string; readonly role: Role };

export function signedIn(actor: Principal): SignedIn {
  if (actor.userId === null || actor.role === null) {
    throw new AppError(ErrorCode.unauthorized, 'sign in first');
  }
  return actor as SignedIn;
}

export function requireRole(actor: Principal, ...roles: Role[]): SignedIn {
  const user = signedIn(actor);
  if (!roles.includes(user.role)) {
    throw new AppError(ErrorCode.forbidden, `only ${roles.join(' or ')} may do this`);
  }
  return user;
}

export const isAdmin = (actor: Principal): boolean => actor.role === 'admin';

export function notFound(what: string): AppError {
  return new AppError(ErrorCode.notFound, `${what} not found`);
}

/** Now, as the ISO string every table stores. */
export const now = (): string => new Date().toISOString();

export function parseJsonArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.map(String) : [];
}
