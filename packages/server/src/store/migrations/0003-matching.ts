import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';

/**
 * Matching runs (matching-job-stream.md): the ranked matches of each run, and every event it sent,
 * kept so that `GET /api/matching-jobs/{id}/updates/` can serve them as the original did.
 */
export function matchingMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('matching_matches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('work_id', 'text', (c) => c.notNull().references('work_jobs.id').onDelete('cascade'))
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('target_name', 'text', (c) => c.notNull())
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('score', 'real', (c) => c.notNull())
        .addColumn('search_hit_ratio', 'real', (c) => c.notNull())
        .addColumn('summary_reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('matching_matches_work')
        .on('matching_matches')
        .columns(['work_id', 'rank'])
        .execute();
      await db.schema
        .createTable('matching_updates')
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('work_id', 'text', (c) => c.notNull().references('work_jobs.id').onDelete('cascade'))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('matching_updates_work')
        .on('matching_updates')
        .columns(['work_id', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('matching_updates').execute();
      await db.schema.dropTable('matching_matches').execute();
    },
  };
}
