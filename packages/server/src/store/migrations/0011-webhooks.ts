import type { Kysely, Migration } from 'kysely';

/**
 * ATS webhooks: each vendor delivery's id once (vendors deliver at least once and retry), and each
 * vendor thing (job, application, interview) with the Jobstream row it is and the vendor's time of its
 * last change applied, so that an older delivery arriving late changes nothing.
 */
export function webhooksMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_deliveries_pkey', ['vendor', 'event_id'])
        .execute();
      await db.schema
        .createTable('ats_entities')
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('local_id', 'integer', (c) => c.notNull())
        .addColumn('last_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ats_entities_pkey', ['vendor', 'entity'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('ats_entities').execute();
      await db.schema.dropTable('webhook_deliveries').execute();
    },
  };
}
