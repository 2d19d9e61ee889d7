import type { IncomingHttpHeaders } from 'node:http';
import { CloseCode, ErrorCode, type Role } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { anonymous, type Authorizer, type Principal } from './principal.js';
import { credentialIn, credentialOf } from './credentials.js';
import type { LocalOwner } from './local-owner.js';
import type { TokenService } from './tokens.js';

/** Topics every reader may see (every signed-in reader, with `AUTH_REQUIRED`). */
const broadcastTopics = new Set(['postings', 'queue', 'scrapes', 'system']);
/** Families whose topics are private: to one user, one role, or one work job's owner. */
const privateFamilies = new Set(['user', 'role', 'work']);

export interface AuthorizerOptions {
  readonly tokens: Pick<TokenService, 'verify'>;
  /** `AUTH_REQUIRED`: no anonymous readers at all. */
  readonly authRequired: boolean;
  /**
   * The user a token names, so that a deleted user's tokens stop working and a changed role takes
   * effect at once. Without it, the token's own claims are trusted.
   */
  readonly findUser?: (id: string) => Promise<{ id: string; role: Role } | undefined>;
  /** The owner of a unit of work: undefined when there is no such work, null for anonymous work. */
  readonly workOwner?: (workId: string) => Promise<string | null | undefined>;
  /** Who a caller without credentials is, while the local owner mode applies (auth/local-owner.ts). */
  readonly localOwner?: Pick<LocalOwner, 'principal'>;
}

/** The gateway's authorizer, plus `identify` for HTTP routes that serve anonymous and signed-in callers. */
export interface JobstreamAuthorizer extends Authorizer {
  /** Like `authenticate`, but no credential is anonymous even with `AUTH_REQUIRED` (login must work). */
  identify(request: { headers: IncomingHttpHeaders; url?: string | undefined }): Promise<Principal>;
}

/** Authentication by token and topic authorization as DESIGN.md's table sets it out. */
export function createAuthorizer(options: AuthorizerOptions): JobstreamAuthorizer {
  const { tokens, authRequired, findUser, workOwner, localOwner } = options;

  async function verifyToken(token: string): Promise<Principal> {
    const verified = await tokens.verify(token);
    let role: Role | null = verified.role;
    if (findUser !== undefined) {
      const user = await findUser(verified.userId);
      // An external provider's users need not exist here; our own tokens must name a live user.
      if (user === undefined && verified.source === 'local') {
        throw new AppError(ErrorCode.unauthorized, 'authentication failed', {
          closeCode: CloseCode.authFailed,
        });
      }
      if (user !== undefined) role = user.role;
    }
    return { userId: verified.userId, role, expiresAt: verified.expiresAt };
  }

  async function identify(request: Parameters<Authorizer['authenticate']>[0]): Promise<Principal> {
    const token = credentialOf(request);
    if (token !== undefined) return verifyToken(token);
    return (!authRequired && (await localOwner?.principal())) || anonymous;
  }

  return {
    identify,
    verifyToken,
    credentialKind: (request) => credentialIn(request)?.kind,
    async authenticate(request) {
      const principal = await identify(request);
      if (authRequired && principal.userId === null) {
        throw new AppError(ErrorCode.unauthorized, 'authentication required', {
          closeCode: CloseCode.authFailed,
        });
      }
      return principal;
    },
    async canRead(principal, topic) {
      const signedIn = principal.userId !== null;
      if (authRequired && !signedIn) return false;
      if (broadcastTopics.has(topic)) return true;
      const isAdmin = principal.role === 'admin';
      const colon = topic.indexOf(':');
      const family = colon < 0 ? topic : topic.slice(0, colon);
      const id = colon < 0 ? '' : topic.slice(colon + 1);
      if (!privateFamilies.has(family)) return true; // an application's own topics are broadcast, like postings
      if (id === '') return isAdmin;
      switch (family) {
        case 'user':
          return isAdmin || (signedIn && principal.userId === id);
        case 'role':
          return isAdmin || (signedIn && principal.role === id);
        case 'work': {
          if (workOwner === undefined) return isAdmin;
          const owner = await workOwner(id);
          if (owner === undefined) return false; // no such work: nothing to watch, for anyone
          return isAdmin || owner === null || (signedIn && owner === principal.userId);
        }
        default:
          return isAdmin;
      }
    },
  };
}
