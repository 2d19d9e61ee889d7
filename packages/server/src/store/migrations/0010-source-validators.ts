import type { Kysely, Migration } from 'kysely';

/**
 * Each source keeps its board's last ETag and Last-Modified, so that the next poll asks "changed
 * since?" and an unchanged board costs one 304.
 */
export function sourceValidatorsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('scrape_sources').addColumn('etag', 'text').execute();
      await db.schema.alterTable('scrape_sources').addColumn('last_modified', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('scrape_sources').dropColumn('last_modified').execute();
      await db.schema.alterTable('scrape_sources').dropColumn('etag').execute();
    },
  };
}
