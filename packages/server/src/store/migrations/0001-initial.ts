import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../store.js';

const ROLES = sql`('job_seeker', 'recruiter', 'admin')`;

/** Every table of schema.ts. Text timestamps, 0/1 booleans and JSON text keep both dialects alike. */
export function initialMigration(dialect: StoreDialect): Migration {
  /**
   * An integer id that the database assigns. On SQLite, AUTOINCREMENT never reuses the id of a deleted
   * row: outbox ids make idempotency keys, and a reused one would be dropped by the hub as a duplicate.
   */
  const withId = <T extends string>(
    table: CreateTableBuilder<T>,
    big = false,
  ): CreateTableBuilder<T, 'id'> =>
    dialect === 'postgres'
      ? table.addColumn('id', big ? 'bigserial' : 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ${ROLES}`))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('postings')
        .$call(withId)
        .addColumn('company', 'text', (c) => c.notNull())
        .addColumn('job_title', 'text', (c) => c.notNull())
        .addColumn('job_description', 'text', (c) => c.notNull())
        .addColumn('job_url', 'text')
        .addColumn('location', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('skills_required', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('is_active', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(1)
            .check(sql`is_active in (0, 1)`),
        )
        .addColumn('posted_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Partial, so that any number of postings without a source id may share a source.
      await db.schema
        .createIndex('postings_source_source_id_key')
        .on('postings')
        .columns(['source', 'source_id'])
        .unique()
        .where(sql.ref('source_id'), 'is not', null)
        .execute();
      await db.schema.createIndex('postings_posted_by_idx').on('postings').column('posted_by').execute();
      await db.schema.createIndex('postings_created_at_idx').on('postings').column('created_at').execute();

      await db.schema
        .createTable('profiles')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('desired_titles', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('locations', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('remote_preference', 'text', (c) =>
          c
            .notNull()
            .defaultTo('any')
            .check(sql`remote_preference in ('remote', 'hybrid', 'onsite', 'any')`),
        )
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('applications')
        .$call(withId)
        // Postings are deactivated, not deleted: one with applications cannot go (no cascade).
        .addColumn('posting_id', 'integer', (c) => c.notNull().references('postings.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(
              sql`status in ('pending', 'reviewing', 'interviewing', 'offer_received', 'accepted', 'rejected', 'withdrawn')`,
            ),
        )
        .addColumn('cover_letter', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // Also the index for lookups by posting_id, its first column.
        .addUniqueConstraint('applications_posting_id_user_id_key', ['posting_id', 'user_id'])
        .execute();
      await db.schema.createIndex('applications_user_id_idx').on('applications').column('user_id').execute();

      await db.schema
        .createTable('interviews')
        .$call(withId)
        .addColumn('application_id', 'integer', (c) =>
          c.notNull().references('applications.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('posting_id', 'integer', (c) => c.notNull().references('postings.id'))
        .addColumn('interview_type', 'text', (c) => c.notNull())
        .addColumn('scheduled_date', 'text', (c) => c.notNull())
        .addColumn('duration_minutes', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('scheduled')
            .check(sql`status in ('scheduled', 'cancelled', 'completed')`),
        )
        .addColumn('calendar_event_id', 'text')
        .addColumn('notes', 'text')
        .addColumn('reminders_sent', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('interviews_scheduled_date_idx')
        .on('interviews')
        .column('scheduled_date')
        .execute();
      await db.schema.createIndex('interviews_user_id_idx').on('interviews').column('user_id').execute();
      await db.schema
        .createIndex('interviews_application_id_idx')
        .on('interviews')
        .column('application_id')
        .execute();

      await db.schema
        .createTable('followups')
        .$call(withId)
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('posting_id', 'integer', (c) => c.notNull().references('postings.id'))
        .addColumn('application_id', 'integer', (c) => c.references('applications.id').onDelete('set null'))
        .addColumn('followup_type', 'text', (c) => c.notNull())
        .addColumn('scheduled_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(sql`status in ('pending', 'sent')`),
        )
        .addColumn('notes', 'text')
        .addColumn('due_notified_at', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('followups_scheduled_date_idx')
        .on('followups')
        .column('scheduled_date')
        .execute();
      await db.schema.createIndex('followups_user_id_idx').on('followups').column('user_id').execute();

      await db.schema
        .createTable('notifications')
        .$call(withId)
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.check(sql`role is null or role in ${ROLES}`))
        .addColumn('notification_type', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) =>
          c
            .notNull()
            .defaultTo('normal')
            .check(sql`priority in ('low', 'normal', 'high', 'urgent')`),
        )
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('notifications_one_audience', sql`user_id is null or role is null`)
        .execute();
      await db.schema
        .createIndex('notifications_user_id_idx')
        .on('notifications')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('outbox')
        .$call((t) => withId(t, true))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .execute();
      // The relay's question ("what is pending?") reads only this small index.
      await db.schema
        .createIndex('outbox_pending_idx')
        .on('outbox')
        .column('id')
        .where(sql.ref('published_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('outbox_published_at_idx')
        .on('outbox')
        .column('published_at')
        .where(sql.ref('published_at'), 'is not', null)
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_created_at_idx')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'idempotency_keys',
        'outbox',
        'notifications',
        'followups',
        'interviews',
        'applications',
        'profiles',
        'postings',
        'users',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
