import type { Role } from '@jobstream/protocol';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { createAuthorizer, type JobstreamAuthorizer } from './authorizer.js';
import { createLocalOwner, type LocalOwner } from './local-owner.js';
import { createTokenService, type TokenService } from './tokens.js';

/** What the authorizer asks of the users (domain/users.ts): whether one exists, and their role now. */
export interface UserDirectory {
  getUser(id: string): Promise<{ id: string; role: Role } | undefined>;
}

export interface AuthDeps<Users extends UserDirectory> {
  /**
   * Makes the users, told when an account is created (with LOCAL_OWNER=auto that ends the owner's
   * time). Handed in: auth/ does not import domain/, which imports it.
   */
  readonly users: (accountCreated: () => void) => Users;
  /** The owner of a unit of work (the work service's), asked once requests come. */
  readonly workOwner: (workId: string) => Promise<string | null | undefined>;
}

/** A node's authentication: its tokens, the local owner, the users and the authorizer over them. */
export interface AuthParts<Users extends UserDirectory> {
  readonly tokens: TokenService;
  readonly localOwner: LocalOwner;
  readonly users: Users;
  readonly authorizer: JobstreamAuthorizer;
}

/**
 * Builds the authentication the settings ask for (JWT_SECRET or JWT_JWKS_URL, AUTH_REQUIRED,
 * LOCAL_OWNER), with the local owner's user row made when its mode may apply.
 */
export async function createAuth<Users extends UserDirectory>(
  config: Config,
  store: Pick<Store, 'db' | 'dataDir'>,
  deps: AuthDeps<Users>,
): Promise<AuthParts<Users>> {
  const tokens = await createTokenService({
    jwtSecret: config.jwtSecret,
    jwtJwksUrl: config.jwtJwksUrl,
    dataDir: store.dataDir,
  });
  // The local owner applies on one node only: several nodes could not end it at once for all.
  const ownerMode =
    config.authRequired || (config.localOwner === 'auto' && config.redisUrl !== undefined)
      ? 'off'
      : config.localOwner;
  const localOwner = createLocalOwner(store.db, ownerMode);
  await localOwner.ensure();
  const users = deps.users(() => localOwner.accountCreated());
  const authorizer = createAuthorizer({
    tokens,
    authRequired: config.authRequired,
    localOwner,
    findUser: (id) => users.getUser(id),
    workOwner: deps.workOwner,
  });
  return { tokens, localOwner, users, authorizer };
}
