import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { OutboxLockOutcome, StoreDialect } from './store.js';

/** What differs between SQLite and PostgreSQL; `openStore` picks one, everything else is shared. */
export interface Backend {
  readonly dialect: StoreDialect;
  readonly db: Kysely<Database>;
  readonly dataDir: string;
  /**
   * Called inside a transaction right before its outbox rows are inserted, so that outbox ids are
   * handed out in commit order: the relay can then never see a later id before an earlier one commits.
   */
  lockOutboxWrites(trx: Transaction<Database>): Promise<void>;
  withOutboxLock<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<OutboxLockOutcome<T>>;
  close(): Promise<void>;
}
