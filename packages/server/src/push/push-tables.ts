import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** One browser's push subscription (migration 0012). */
// Type aliases, not interfaces: `withTables` wants index-signature-compatible records.
export type PushSubscriptionsTable = {
  /** The push service's URL for this browser: its identity. */
  endpoint: string;
  user_id: string;
  /** The browser's P-256 public key (base64url), for the payload's encryption. */
  p256dh: string;
  /** The browser's authentication secret (base64url). */
  auth: string;
  created_at: string;
};

/** The VAPID key pair shared through the database (one row, id 1). */
export type PushKeysTable = {
  id: number;
  public_key: string;
  private_key: string;
  created_at: string;
};

export type PushTables = {
  push_subscriptions: PushSubscriptionsTable;
  push_keys: PushKeysTable;
};

/** The store's database with the push tables in view. */
export type PushDb = Kysely<Database & PushTables>;

export function pushDb(db: Kysely<Database>): PushDb {
  return db.withTables<PushTables>();
}
