import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import {
  deletePublishedOutboxRows,
  hasPendingOutboxRows,
  lastOutboxId,
  markOutboxPublished,
  pendingOutboxRows,
} from './outbox.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** Hands one outbox event to the hub. The same idempotency key must publish once. */
export interface RelayPublish {
  (input: { topic: string; type: string; data: unknown; idempotencyKey: string }): Promise<unknown>;
}

/** Options of `OutboxRelay`. */
export interface OutboxRelayOptions {
  /** How often to look for rows that no commit notification announced (other nodes, retries). @default 500 */
  readonly pollMs?: number;
  /** Rows read per query. @default 100 */
  readonly batchSize?: number;
  readonly logger?: Logger;
}

/** Published rows are kept this long, then deleted. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
const CLEANUP_EVERY_MS = 60 * 60 * 1000;
const MAX_BACKOFF_MS = 30_000;
/** First wait before trying again when another node holds the relay lock; doubles up to the max. */
const LOCK_RETRY_MS = 10;
const LOCK_RETRY_MAX_MS = 100;

interface BatchResult {
  /** The batch was full: more rows may be waiting. */
  readonly more: boolean;
}

/**
 * Publishes committed outbox rows to the hub in id order (which is commit order), one at a time, each
 * with the idempotency key `outbox:<id>`, then marks it published. A crash between the publish and the
 * mark republishes the row under the same key, which the hub drops (on PostgreSQL the marks of a batch
 * commit together, so that may be up to `batchSize` rows). A failed publish is retried with
 * backoff, never skipped: the rows after it wait, so per-topic order holds.
 */
export class OutboxRelay {
  readonly #store: Store;
  readonly #publish: RelayPublish;
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #logger: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** A pass asked for soon, because another node held the lock. */
  #lockRetry: NodeJS.Timeout | undefined;
  #lockRetryMs = LOCK_RETRY_MS;
  #unsubscribe: (() => void) | undefined;
  /** The pass under way; there is never more than one in this process. */
  #inFlight: Promise<void> | undefined;
  /** Set when a pass was asked for while one ran, so that rows committed meanwhile are not left. */
  #again = false;
  #stopped = false;
  #failures = 0;
  #retryAt = 0;
  #lastCleanup = 0;

  constructor(store: Store, publish: RelayPublish, options: OutboxRelayOptions = {}) {
    this.#store = store;
    this.#publish = publish;
    this.#pollMs = options.pollMs ?? 500;
    this.#batchSize = options.batchSize ?? 100;
    this.#logger = options.logger;
  }

  /** Publishes what is pending (e.g. left by a crash), then on every commit notification and on a poll timer. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#unsubscribe = this.#store.onCommit(() => void this.#kick());
    this.#timer = setInterval(() => void this.#kick(), this.#pollMs);
    // The relay alone must not keep the process alive.
    this.#timer.unref();
    void this.#kick();
  }

  /**
   * Resolves once everything committed before the call is published (also by another node), waiting
   * through retries. Rejects if the relay is stopped first.
   */
  async drain(): Promise<void> {
    const target = await lastOutboxId(this.#store.db);
    for (;;) {
      if (this.#stopped) throw new Error('the outbox relay stopped before the outbox drained');
      await this.#kick();
      if (!(await hasPendingOutboxRows(this.#store.db, target))) return;
      await sleep(Math.max(10, Math.min(this.#pollMs, this.#retryAt - Date.now())));
    }
  }

  /** Stops publishing; resolves after the batch in flight, if any, has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#lockRetry);
    this.#unsubscribe?.();
    await this.#inFlight;
  }

  /** Starts a pass unless one runs; resolves when the passes (including one asked for meanwhile) end. */
  #kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#inFlight !== undefined) {
      this.#again = true;
      return this.#inFlight;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && !this.#stopped);
    };
    this.#inFlight = run()
      .catch((error: unknown) => {
        // A database error (connection lost, say): try again later, like a failed publish.
        this.#fail();
        this.#logger?.error({ err: error }, 'outbox relay pass failed');
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  async #pass(): Promise<void> {
    if (Date.now() < this.#retryAt) return;
    for (;;) {
      const outcome = await this.#store.withOutboxLock((db) => this.#publishBatch(db));
      if (!outcome.ran) {
        // Another node's relay holds the lock, but it may have read its batch before our commit: look
        // again soon rather than at the next poll, so that a cluster publishes within milliseconds.
        this.#retryLockSoon();
        break;
      }
      this.#lockRetryMs = LOCK_RETRY_MS;
      if (!outcome.value.more || this.#stopped) break;
    }
    if (Date.now() - this.#lastCleanup >= CLEANUP_EVERY_MS) {
      this.#lastCleanup = Date.now();
      const before = new Date(Date.now() - RETENTION_MS).toISOString();
      const deleted = await this.#store.withOutboxLock((db) => deletePublishedOutboxRows(db, before));
      if (deleted.ran && deleted.value > 0) this.#logger?.debug({ deleted: deleted.value }, 'outbox cleaned');
    }
  }

  async #publishBatch(db: Kysely<Database>): Promise<BatchResult> {
    const rows = await pendingOutboxRows(db, this.#batchSize);
    for (const row of rows) {
      if (this.#stopped) return { more: false };
      try {
        await this.#publish({
          topic: row.topic,
          type: row.type,
          data: JSON.parse(row.data) as unknown,
          idempotencyKey: `outbox:${row.id}`,
        });
      } catch (error) {
        // Returning (not throwing) keeps the marks made so far: on PostgreSQL they share a transaction.
        this.#fail();
        this.#logger?.warn(
          { err: error, outboxId: row.id, topic: row.topic, retryInMs: this.#retryAt - Date.now() },
          'outbox publish failed; will retry',
        );
        return { more: false };
      }
      await markOutboxPublished(db, row.id, new Date().toISOString());
      this.#failures = 0;
    }
    return { more: rows.length === this.#batchSize };
  }

  #retryLockSoon(): void {
    if (this.#lockRetry !== undefined || this.#stopped) return;
    const delay = Math.min(this.#lockRetryMs, this.#pollMs);
    this.#lockRetryMs = Math.min(this.#lockRetryMs * 2, LOCK_RETRY_MAX_MS);
    this.#lockRetry = setTimeout(() => {
      this.#lockRetry = undefined;
      void this.#kick();
    }, delay);
    this.#lockRetry.unref();
  }

  /** Backs off: pollMs, doubling per consecutive failure, at most 30 s. */
  #fail(): void {
    this.#failures += 1;
    const delay = Math.min(this.#pollMs * 2 ** (this.#failures - 1), MAX_BACKOFF_MS);
    this.#retryAt = Date.now() + delay;
  }
}
