import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';

/**
 * The inbox, the follow-up cadence and the application timeline. An inbox item is addressed to a user,
 * a role or everyone: one row each, whoever reads it; a user's read marks are rows of their own, and
 * "read all" is a watermark (every item up to an id), so that it writes one row however many items.
 * The cadence remembers which follow-up applying proposed, so that a status change moves or cancels
 * that one only. The timeline keeps each step of an application with its time and who took it.
 */
export function inboxMigration(dialect: StoreDialect): Migration {
  // Ids never reused (AUTOINCREMENT on SQLite): an item id is a client's paging cursor and read mark.
  const withId = <T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T, 'id'> =>
    dialect === 'postgres'
      ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('inbox_items')
        .$call(withId)
        // `user:{id}`, `role:{role}` or `everyone`.
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inbox_items_audience_idx')
        .on('inbox_items')
        .columns(['audience', 'id'])
        .execute();
      await db.schema
        .createIndex('inbox_items_created_at_idx')
        .on('inbox_items')
        .column('created_at')
        .execute();
      await db.schema
        .createTable('inbox_reads')
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('inbox_items.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('read_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inbox_reads_pkey', ['user_id', 'item_id'])
        .execute();
      await db.schema.createIndex('inbox_reads_item_id_idx').on('inbox_reads').column('item_id').execute();
      await db.schema
        .createTable('inbox_marks')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('read_up_to', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('followup_cadence')
        .addColumn('application_id', 'integer', (c) =>
          c.primaryKey().references('applications.id').onDelete('cascade'),
        )
        .addColumn('followup_id', 'integer', (c) =>
          c.notNull().unique().references('followups.id').onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createTable('application_timeline')
        .$call(withId)
        .addColumn('application_id', 'integer', (c) =>
          c.notNull().references('applications.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        // The user who took the step; null for the server's own (a follow-up coming due).
        .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('application_timeline_application_idx')
        .on('application_timeline')
        .columns(['application_id', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('application_timeline').execute();
      await db.schema.dropTable('followup_cadence').execute();
      await db.schema.dropTable('inbox_marks').execute();
      await db.schema.dropTable('inbox_reads').execute();
      await db.schema.dropTable('inbox_items').execute();
    },
  };
}
