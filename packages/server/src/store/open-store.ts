import type { Logger } from '../logger.js';
import type { Backend } from './backend.js';
import { parseDatabaseUrl } from './database-url.js';
import { KyselyStore } from './kysely-store.js';
import { runMigrations } from './migrate.js';
import type { EventRows, Store } from './store.js';

/**
 * Opens the database named by `databaseUrl`: `sqlite:./data/jobstream.db` (relative to cwd;
 * `sqlite::memory:` allowed) or `postgres://…`. Creates the folder/file, sets WAL + busy_timeout +
 * foreign_keys on SQLite, runs pending migrations, and resolves when ready. `eventRows` writes rows
 * with each transaction's events (the server's inbox, domain/inbox-rows.ts).
 */
export async function openStore(
  databaseUrl: string,
  options: { logger?: Logger; eventRows?: EventRows } = {},
): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  // Each backend's driver is loaded only when it is the one asked for.
  const backend: Backend =
    target.dialect === 'sqlite'
      ? await (await import('./sqlite-backend.js')).createSqliteBackend(target.file, options.logger)
      : await (await import('./postgres-backend.js')).createPostgresBackend(target.url, options.logger);
  try {
    await runMigrations(backend.db, backend.dialect, options.logger);
  } catch (error) {
    await backend.close();
    throw error;
  }
  return new KyselyStore(backend, options.logger, options.eventRows);
}
