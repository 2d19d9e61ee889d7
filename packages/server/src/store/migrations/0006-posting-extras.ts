import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';

/**
 * Postings keep a salary range and notes: the original REST API took them (its clients still send
 * them), so they are kept and shown instead of refused.
 */
export function postingExtrasMigration(dialect: StoreDialect): Migration {
  const number = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('postings').addColumn('salary_min', number).execute();
      await db.schema.alterTable('postings').addColumn('salary_max', number).execute();
      await db.schema.alterTable('postings').addColumn('notes', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const column of ['notes', 'salary_max', 'salary_min']) {
        await db.schema.alterTable('postings').dropColumn(column).execute();
      }
    },
  };
}
