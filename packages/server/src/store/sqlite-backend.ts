import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import type { Logger } from '../logger.js';
import type { Backend } from './backend.js';
import { SQLITE_MEMORY } from './database-url.js';
import type { Database } from './schema.js';

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Starts transactions with `BEGIN IMMEDIATE`: a deferred transaction that reads first and writes later
 * can fail with SQLITE_BUSY at once when another process writes, without waiting for busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase.Database;

  constructor(database: SqliteDatabase.Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/** A SQLite file (created with its folder) or an in-memory database, through better-sqlite3 in WAL mode. */
export async function createSqliteBackend(file: string, logger?: Logger): Promise<Backend> {
  const memory = file === SQLITE_MEMORY;
  // An in-memory database keeps nothing across restarts, so neither does its data folder.
  const dataDir = memory ? await mkdtemp(join(tmpdir(), 'jobstream-')) : dirname(file);
  await mkdir(dataDir, { recursive: true });
  const database = new SqliteDatabase(file);
  // busy_timeout first: switching to WAL itself needs the lock another process may hold.
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('journal_mode = WAL');
  // In WAL mode NORMAL survives a process crash (SIGKILL); only an OS crash may lose the last commits,
  // and then state and outbox are lost together, never one without the other.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(database) });
  logger?.debug({ dialect: 'sqlite', memory }, 'store opened');

  return {
    dialect: 'sqlite',
    db,
    dataDir,
    // SQLite has one writer at a time, so ids are already handed out in commit order.
    lockOutboxWrites: () => Promise.resolve(),
    // One process owns a SQLite file; the relay itself makes sure it runs one batch at a time.
    withOutboxLock: async (fn) => ({ ran: true, value: await fn(db) }),
    close: async () => {
      await db.destroy();
      if (memory) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
