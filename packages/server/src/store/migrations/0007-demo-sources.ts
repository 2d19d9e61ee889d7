import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Scrape sources made by `serve --demo` are marked: a later start without `--demo` neither scrapes
 * them (their boards are gone with the demo) nor lists them.
 */
export function demoSourcesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('scrape_sources')
        .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Sources seeded before the mark existed: the demo's own names on its own boards.
      await sql`update scrape_sources set demo = 1
        where name in ('demo-northwind', 'demo-globex', 'demo-initech') and url like '%/demo/boards/%'`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('scrape_sources').dropColumn('demo').execute();
    },
  };
}
