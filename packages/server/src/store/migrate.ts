import { Migrator, type Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import { createMigrations } from './migrations/index.js';
import type { Database } from './schema.js';
import type { StoreDialect } from './store.js';

/**
 * Brings the schema up to date. Safe when several nodes start at once: Kysely's migrator takes a lock
 * (an advisory lock on PostgreSQL) so that each migration runs once.
 */
export async function runMigrations(
  db: Kysely<Database>,
  dialect: StoreDialect,
  logger?: Logger,
): Promise<void> {
  const migrations = createMigrations(dialect);
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success') logger?.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') logger?.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error !== undefined) {
    throw new Error(
      `database migration failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      {
        cause: error,
      },
    );
  }
}
