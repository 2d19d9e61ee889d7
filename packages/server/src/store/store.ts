import type { EventDraft } from '@jobstream/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type StoreDialect = 'sqlite' | 'postgres';

/** A canonical event before the hub has given it a seq (a catalogued type comes with its data). */
export type { EventDraft } from '@jobstream/protocol';

/** One open transaction, as `Store.transaction` hands it to its callback. */
export interface Tx {
  readonly db: Transaction<Database>;
  /**
   * Records a canonical event in the outbox, committed with this transaction. A catalogued type
   * takes only its own data (another type's fails to compile).
   */
  emit<T extends string>(event: EventDraft<T>): Promise<void>;
}

/**
 * Rows written in a transaction with its events, right before they go to the outbox (the inbox's
 * items): handed the events in the order emitted and the commit's time. Whatever it throws rolls the
 * transaction back, so that an event never commits without its rows.
 */
export type EventRows = (
  db: Transaction<Database>,
  events: readonly EventDraft[],
  at: string,
) => Promise<void>;

/** What `Store.withOutboxLock` did. */
export type OutboxLockOutcome<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/** The database of one Jobstream process, whichever backend holds it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Folder for files the server keeps (e.g. a generated JWT secret): the SQLite file's folder, or ./data for PostgreSQL. Created if missing. */
  readonly dataDir: string;
  /**
   * Runs fn in one transaction; events emitted through tx commit with the state change.
   * Do not nest: on SQLite the inner call would wait for the outer one forever.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Listener called after each commit that emitted events (the relay uses it to publish at once). */
  onCommit(listener: () => void): () => void;
  /**
   * Runs fn as the only outbox publisher among the processes that share this database (a PostgreSQL
   * advisory lock held by a transaction, which fn gets as its `db`). A SQLite database belongs to one
   * process, so there fn simply runs. `{ ran: false }` when another process holds the lock.
   */
  withOutboxLock<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<OutboxLockOutcome<T>>;
  /** Closes the connections; safe to call twice. */
  close(): Promise<void>;
}
