import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The background work queue (`work/`). Same conventions as 0001: text ids and ISO timestamps, JSON
 * text for payloads and results, so that one definition serves SQLite and PostgreSQL alike.
 */
export function workMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('work_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) =>
          c.notNull().check(sql`kind in ('analysis', 'matching', 'scrape', 'recommendations')`),
        )
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('queued')
            .check(sql`status in ('queued', 'running', 'complete', 'failed', 'cancelled')`),
        )
        .addColumn('phase', 'text')
        .addColumn('progress', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`progress between 0 and 100`),
        )
        .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('result', 'text')
        .addColumn('error_message', 'text')
        .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_retries', 'integer', (c) => c.notNull().defaultTo(3))
        .addColumn('owner', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('run_after', 'text', (c) => c.notNull())
        .execute();
      // The runner's question ("which queued job is due?") and the stats' counts by status.
      await db.schema
        .createIndex('work_jobs_status_run_after_idx')
        .on('work_jobs')
        .columns(['status', 'run_after'])
        .execute();
      await db.schema.createIndex('work_jobs_owner_idx').on('work_jobs').column('owner').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('work_jobs').execute();
    },
  };
}
