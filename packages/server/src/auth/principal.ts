import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode, type Role } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { credentialIn, type CredentialKind } from './credentials.js';

export type { CredentialKind };

/** Who is on the other end of a connection or request. */
export interface Principal {
  readonly userId: string | null;
  readonly role: Role | null;
  /** When the credential lapses (ms since epoch); null for anonymous or non-expiring credentials. */
  readonly expiresAt: number | null;
  /** A caller without credentials taken as the local owner (see auth/local-owner.ts). */
  readonly localOwner?: true;
  /** Aborts when this principal's access is withdrawn: its connections then end (and reconnect). */
  readonly revoked?: AbortSignal;
}

export const anonymous: Principal = { userId: null, role: null, expiresAt: null };

/** What an upgrade or request brings: its headers and request target. */
export interface CredentialSource {
  readonly headers: IncomingHttpHeaders;
  readonly url?: string | undefined;
}

/**
 * Decides who a caller is and what a connection may read. The gateway is handed one; dialects never
 * read credentials or reach into the domain themselves.
 */
export interface Authorizer {
  /** Who sent this upgrade or request; throws an AppError when credentials are present but bad. */
  authenticate(request: CredentialSource): Promise<Principal>;
  /** Whether `principal` may read `topic`. */
  canRead(principal: Principal, topic: string): Promise<boolean>;
  /** Verifies a fresh token for a live connection (the native `refresh`); throws an AppError if bad. */
  verifyToken(token: string): Promise<Principal>;
  /** Which credential `authenticate` takes from this request (`query`, `cookie`, `bearer`), if any. */
  credentialKind(request: CredentialSource): CredentialKind | undefined;
}

/**
 * Until users and tokens exist, every connection is anonymous and may read every topic.
 */
export const openAuthorizer: Authorizer = {
  authenticate: () => Promise.resolve(anonymous),
  canRead: () => Promise.resolve(true),
  verifyToken: () => Promise.reject(new AppError(ErrorCode.unauthorized, 'this server issues no tokens')),
  credentialKind: (request) => credentialIn(request)?.kind,
};
