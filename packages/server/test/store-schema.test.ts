import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMigrations } from '../src/store/migrations/index.js';
import { sql } from 'kysely';
import { storeBackends } from './helpers/store-backends.js';
import { postingRow, ROW_TIME, userRow } from './helpers/store-rows.js';
import { draft } from './helpers/drafts.js';

for (const backend of await storeBackends()) {
  describe(`store schema on ${backend.name}`, { skip: backend.skip }, () => {
    test('migrations create every table, with numeric ids and the documented defaults', async (t) => {
      const store = await (await backend.database(t)).open();
      const { db } = store;
      const recruiter = userRow({ role: 'recruiter' });
      const seeker = userRow();
      await db.insertInto('users').values([recruiter, seeker]).execute();

      const posting = await db
        .insertInto('postings')
        .values(postingRow({ posted_by: recruiter.id }))
        .returningAll()
        .executeTakeFirstOrThrow();
      assert.equal(typeof posting.id, 'number');
      assert.equal(posting.is_active, 1);

      await db
        .insertInto('profiles')
        .values({
          user_id: seeker.id,
          skills: '["go"]',
          desired_titles: '[]',
          locations: '[]',
          remote_preference: 'remote',
          updated_at: ROW_TIME,
        })
        .execute();
      const application = await db
        .insertInto('applications')
        .values({
          posting_id: posting.id,
          user_id: seeker.id,
          status: 'pending',
          cover_letter: null,
          created_at: ROW_TIME,
          updated_at: ROW_TIME,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const interview = await db
        .insertInto('interviews')
        .values({
          application_id: application.id,
          user_id: seeker.id,
          posting_id: posting.id,
          interview_type: 'video',
          scheduled_date: '2026-12-01T09:00:00.000Z',
          duration_minutes: 45,
          status: 'scheduled',
          calendar_event_id: null,
          notes: null,
          created_at: ROW_TIME,
          updated_at: ROW_TIME,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      assert.equal(interview.reminders_sent, '[]');
      const followup = await db
        .insertInto('followups')
        .values({
          user_id: seeker.id,
          posting_id: posting.id,
          application_id: application.id,
          followup_type: 'email',
          scheduled_date: '2026-12-02T09:00:00.000Z',
          status: 'pending',
          notes: null,
          due_notified_at: null,
          sent_at: null,
          created_at: ROW_TIME,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const notification = await db
        .insertInto('notifications')
        .values({
          user_id: null,
          role: 'job_seeker',
          notification_type: 'job_posted',
          message: 'New posting',
          priority: 'normal',
          data: '{"job_id":1}',
          created_by: recruiter.id,
          created_at: ROW_TIME,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await store.transaction((tx) => tx.emit(draft('postings', 'posting.created', {})));
      await db
        .insertInto('idempotency_keys')
        .values({
          scope: seeker.id,
          key: 'k',
          request: 'POST /api/v1/jobs',
          status_code: 201,
          response_body: '{}',
          created_at: ROW_TIME,
        })
        .execute();

      for (const id of [application.id, interview.id, followup.id, notification.id]) {
        assert.equal(typeof id, 'number');
      }
      const outbox = await db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      assert.equal(typeof outbox.id, 'number');
      assert.equal(outbox.published_at, null);
      assert.deepEqual(await db.selectFrom('profiles').select('skills').execute(), [{ skills: '["go"]' }]);
      const key = await db.selectFrom('idempotency_keys').select('status_code').executeTakeFirstOrThrow();
      assert.equal(key.status_code, 201);
      const count = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 2, 'counts are numbers on both dialects');
    });

    test('unique constraints refuse duplicates', async (t) => {
      const { db } = await (await backend.database(t)).open();
      const user = userRow();
      await db.insertInto('users').values(user).execute();
      await assert.rejects(
        db
          .insertInto('users')
          .values(userRow({ email: user.email }))
          .execute(),
      );

      await db
        .insertInto('postings')
        .values(postingRow({ source: 'board', source_id: 'x1' }))
        .execute();
      await assert.rejects(
        db
          .insertInto('postings')
          .values(postingRow({ source: 'board', source_id: 'x1' }))
          .execute(),
      );
      // Same source id from another source, and any number without a source id, are fine.
      await db
        .insertInto('postings')
        .values([postingRow({ source: 'other', source_id: 'x1' }), postingRow(), postingRow()])
        .execute();

      const posting = await db.selectFrom('postings').select('id').executeTakeFirstOrThrow();
      const application = {
        posting_id: posting.id,
        user_id: user.id,
        status: 'pending' as const,
        cover_letter: null,
        created_at: ROW_TIME,
        updated_at: ROW_TIME,
      };
      await db.insertInto('applications').values(application).execute();
      await assert.rejects(db.insertInto('applications').values(application).execute());
    });

    test('foreign keys and checks are enforced', async (t) => {
      const { db } = await (await backend.database(t)).open();
      const user = userRow();
      await db.insertInto('users').values(user).execute();
      await assert.rejects(
        db
          .insertInto('applications')
          .values({
            posting_id: 999,
            user_id: user.id,
            status: 'pending',
            cover_letter: null,
            created_at: ROW_TIME,
            updated_at: ROW_TIME,
          })
          .execute(),
        'no such posting',
      );
      await assert.rejects(
        db
          .insertInto('users')
          .values(userRow({ role: 'superuser' as 'admin' }))
          .execute(),
        'unknown role',
      );
      await assert.rejects(
        db
          .insertInto('notifications')
          .values({
            user_id: user.id,
            role: 'admin',
            notification_type: 't',
            message: 'm',
            priority: 'normal',
            data: '{}',
            created_by: null,
            created_at: ROW_TIME,
          })
          .execute(),
        'a user and a role at once',
      );
    });

    test('reopening keeps the data and runs no migration twice', async (t) => {
      const database = await backend.database(t);
      const first = await database.open();
      await first.db.insertInto('postings').values(postingRow()).execute();
      await first.close();
      const second = await database.open();
      const postings = await second.db.selectFrom('postings').select('id').execute();
      assert.deepEqual(postings, [{ id: 1 }]);
      const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
      assert.deepEqual(
        rows.map((r) => r.name),
        Object.keys(createMigrations(second.dialect)),
        'every migration ran once',
      );
    });
  });
}
