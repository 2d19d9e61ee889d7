import type { Kysely, Transaction } from 'kysely';
import type { Logger } from '../logger.js';
import type { Backend } from './backend.js';
import { insertOutboxRows, type OutboxDraft } from './outbox.js';
import type { Database } from './schema.js';
import type { EventDraft, EventRows, OutboxLockOutcome, Store, StoreDialect, Tx } from './store.js';

/** The transaction handed to `Store.transaction`'s callback; it collects events until commit. */
class OutboxTx implements Tx {
  readonly db: Transaction<Database>;
  readonly #events: OutboxDraft[] = [];
  readonly #drafts: EventDraft[] = [];
  #ended = false;

  constructor(db: Transaction<Database>) {
    this.db = db;
  }

  emit<T extends string>(event: EventDraft<T>): Promise<void> {
    if (this.#ended) return Promise.reject(new Error('emit() after its transaction ended'));
    if (!event.topic || !event.type) return Promise.reject(new Error('an event needs a topic and a type'));
    // Serialised now, so that data which is no JSON fails at the emit() that passed it.
    this.#events.push({ topic: event.topic, type: event.type, data: JSON.stringify(event.data ?? null) });
    this.#drafts.push(event);
    return Promise.resolve();
  }

  /** The events emitted, in order (as the outbox stores them, and as emitted); no more are accepted. */
  end(): { readonly rows: readonly OutboxDraft[]; readonly drafts: readonly EventDraft[] } {
    this.#ended = true;
    return { rows: this.#events, drafts: this.#drafts };
  }
}

/** The Store over one backend: transactions with outbox events, commit listeners, close. */
export class KyselyStore implements Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly dataDir: string;
  readonly #backend: Backend;
  readonly #logger: Logger | undefined;
  readonly #eventRows: EventRows | undefined;
  readonly #listeners = new Set<() => void>();
  #closed: Promise<void> | undefined;

  /** `eventRows`: rows that commit with each transaction's events (the inbox's items). */
  constructor(backend: Backend, logger?: Logger, eventRows?: EventRows) {
    this.#backend = backend;
    this.#logger = logger;
    this.#eventRows = eventRows;
    this.db = backend.db;
    this.dialect = backend.dialect;
    this.dataDir = backend.dataDir;
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let emitted = 0;
    const result = await this.db.transaction().execute(async (trx) => {
      const tx = new OutboxTx(trx);
      let value: T;
      let ended: ReturnType<OutboxTx['end']>;
      try {
        value = await fn(tx);
      } finally {
        ended = tx.end();
      }
      const events = ended.rows;
      // Inserted last, so the outbox lock is held only for the insert and the commit.
      if (events.length > 0) {
        const at = new Date().toISOString();
        await this.#backend.lockOutboxWrites(trx);
        // Under the outbox lock, so that the rows' ids, like the outbox's, follow commit order (an
        // inbox's "read all up to id N" then never covers an item that commits after it).
        if (this.#eventRows) await this.#eventRows(trx, ended.drafts, at);
        await insertOutboxRows(trx, events, at);
      }
      emitted = events.length;
      return value;
    });
    if (emitted > 0) this.#notifyCommit();
    return result;
  }

  onCommit(listener: () => void): () => void {
    // A wrapper, so that the same function registered twice is removed once per registration.
    const entry = (): void => listener();
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  withOutboxLock<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<OutboxLockOutcome<T>> {
    return this.#backend.withOutboxLock(fn);
  }

  close(): Promise<void> {
    this.#listeners.clear();
    this.#closed ??= this.#backend.close();
    return this.#closed;
  }

  #notifyCommit(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        // The commit happened; a failing listener must not make the caller believe otherwise.
        this.#logger?.error({ err: error }, 'outbox commit listener failed');
      }
    }
  }
}
