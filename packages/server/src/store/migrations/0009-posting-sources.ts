import type { Kysely, Migration } from 'kysely';
import { dedupeKey } from '../dedupe-key.js';

/**
 * The same job on several boards is one posting: `dedupe_key` (company, title and location, normalised)
 * finds it, `sources` lists every board it is on, and `posting_sources` holds each further board's own
 * id for it (the first board's stays in `source` / `source_id`), with that listing's misses.
 */
export function postingSourcesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('postings').addColumn('dedupe_key', 'text').execute();
      await db.schema.alterTable('postings').addColumn('sources', 'text').execute();
      await db.schema.createIndex('postings_dedupe_key').on('postings').column('dedupe_key').execute();
      await db.schema
        .createTable('posting_sources')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('posting_id', 'integer', (c) => c.notNull().references('postings.id').onDelete('cascade'))
        .addColumn('missed_scrapes', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('posting_sources_pkey', ['source', 'source_id'])
        .execute();
      // Scraped postings from before: keyed, so that another board's copy of them is found.
      const typed = db as unknown as Kysely<Rows>;
      const rows = await typed
        .selectFrom('postings')
        .select(['id', 'company', 'job_title', 'location'])
        .where('source_id', 'is not', null)
        .execute();
      for (const row of rows) {
        await typed
          .updateTable('postings')
          .set({ dedupe_key: dedupeKey(row.company, row.job_title, row.location) })
          .where('id', '=', row.id)
          .execute();
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('posting_sources').execute();
      await db.schema.dropIndex('postings_dedupe_key').execute();
      await db.schema.alterTable('postings').dropColumn('sources').execute();
      await db.schema.alterTable('postings').dropColumn('dedupe_key').execute();
    },
  };
}

interface Rows {
  postings: {
    id: number;
    company: string;
    job_title: string;
    location: string | null;
    source_id: string | null;
    dedupe_key: string | null;
  };
}
