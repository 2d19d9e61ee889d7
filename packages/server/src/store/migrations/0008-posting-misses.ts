import type { Kysely, Migration } from 'kysely';

/**
 * How many successful scrapes in a row did not find a scraped posting on its board: one miss may be
 * the board's hiccup, the second deactivates it (a scrape that finds it again resets the count).
 */
export function postingMissesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('postings')
        .addColumn('missed_scrapes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('postings').dropColumn('missed_scrapes').execute();
    },
  };
}
