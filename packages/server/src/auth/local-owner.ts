import { setMaxListeners } from 'node:events';
import type { Kysely } from 'kysely';
import type { Principal } from './principal.js';
import type { Database } from '../store/schema.js';

/**
 * The local owner: the originals are personal tools run on one's own machine, whose documented examples
 * work without credentials (channels.md's console example watches for `job.analyzed`). On the quick-start
 * defaults Jobstream does the same: while no account exists (and `AUTH_REQUIRED` is off), a caller
 * without credentials is the local owner, a job seeker whose profile, analyses, applications and
 * notifications those anonymous clients receive. The first account ends that for good (`auto`): from
 * then on an anonymous caller is anonymous, and the owner's open connections are ended so that they
 * come back as what they are.
 */
export const LOCAL_OWNER_ID = '00000000-0000-4000-8000-000000000001';

/** `auto`: while no account exists; `on`: always (a personal server); `off`: never. */
export type LocalOwnerMode = 'auto' | 'on' | 'off';

export interface LocalOwner {
  /** The owner, while the mode applies to this caller without credentials; else undefined. */
  principal(): Promise<Principal | undefined>;
  /** An account was just created here: with `auto`, the owner's time is over. */
  accountCreated(): void;
  /** Creates the owner's user row (a job seeker who cannot sign in) when the mode may apply. */
  ensure(): Promise<void>;
  /** Runs `listener` when the owner's time is over (their connections are then to end). */
  onEnd(listener: () => void): void;
}

/** How long a look for accounts holds (accounts made by another process, `jobstream user add`, say). */
const RECHECK_MS = 1000;

export function createLocalOwner(db: Kysely<Database>, mode: LocalOwnerMode): LocalOwner {
  const revoked = new AbortController();
  setMaxListeners(0, revoked.signal);
  const owner: Principal = {
    userId: LOCAL_OWNER_ID,
    role: 'job_seeker',
    expiresAt: null,
    localOwner: true,
    revoked: revoked.signal,
  };
  let over = mode === 'off';
  let checkedAt = 0;
  /** The look for accounts in flight: callers arriving meanwhile share it. */
  let looking: Promise<void> | undefined;
  const look = async (): Promise<void> => {
    const account = await db
      .selectFrom('users')
      .select('id')
      .where('id', '!=', LOCAL_OWNER_ID)
      .limit(1)
      .executeTakeFirst();
    checkedAt = Date.now();
    if (account !== undefined) end();
  };
  const end = (): void => {
    if (over || mode !== 'auto') return;
    over = true;
    revoked.abort();
  };

  return {
    async principal() {
      if (mode === 'on') return owner;
      if (over) return undefined;
      if (Date.now() - checkedAt >= RECHECK_MS) {
        looking ??= look().finally(() => (looking = undefined));
        await looking;
      }
      return over ? undefined : owner;
    },
    accountCreated: end,
    onEnd(listener) {
      revoked.signal.addEventListener('abort', listener, { once: true });
    },
    async ensure() {
      if (mode === 'off') return;
      await db
        .insertInto('users')
        .values({
          id: LOCAL_OWNER_ID,
          email: 'local-owner@jobstream.invalid',
          name: 'Local owner',
          role: 'job_seeker',
          // Not a hash: no password ever matches it, so nobody signs in as the owner.
          password_hash: '!',
          created_at: new Date().toISOString(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}
