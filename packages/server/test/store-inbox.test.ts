import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventTypes } from '@jobstream/protocol';
import type { Principal } from '../src/auth/principal.js';
import { inboxRows } from '../src/domain/inbox-rows.js';
import { InboxService } from '../src/domain/inbox-service.js';
import { inboxDb } from '../src/domain/inbox-tables.js';
import { openStore } from '../src/store/index.js';
import { storeBackends } from './helpers/store-backends.js';
import { userRow } from './helpers/store-rows.js';
import { draft } from './helpers/drafts.js';

const notification = (message: string, audience: { user_id: string } | { role: string } | 'everyone') => ({
  notification_id: 1,
  notification_type: 'info',
  message,
  priority: 'normal' as const,
  data: {},
  audience,
});

for (const backend of await storeBackends()) {
  describe(`inbox store on ${backend.name}`, { skip: backend.skip }, () => {
    test('items commit with their events or not at all; role items are one row read per user', async (t) => {
      const database = await backend.database(t);
      const store = await openStore(database.url, { eventRows: inboxRows });
      t.after(() => store.close());
      // Accounts made a while ago, so that an item made now is theirs.
      const joined = new Date(Date.now() - 60_000).toISOString();
      const ada = userRow({ created_at: joined });
      const bo = userRow({ created_at: joined });
      await store.db.insertInto('users').values([ada, bo]).execute();

      await store.transaction(async (tx) => {
        await tx.emit({
          topic: `user:${ada.id}`,
          type: EventTypes.notification,
          data: notification('hi Ada', { user_id: ada.id }),
        });
        await tx.emit({
          topic: 'role:job_seeker',
          type: EventTypes.notification,
          data: notification('seekers', { role: 'job_seeker' }),
        });
        await tx.emit(draft('postings', 'posting.created', { note: 'not an inbox item' }));
      });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.emit({
            topic: `user:${ada.id}`,
            type: EventTypes.notification,
            data: notification('rolled back', { user_id: ada.id }),
          });
          throw new Error('the change fails');
        }),
        /the change fails/,
      );
      const rows = await inboxDb(store.db)
        .selectFrom('inbox_items')
        .select(['audience', 'summary'])
        .orderBy('id')
        .execute();
      assert.deepEqual(rows, [
        { audience: `user:${ada.id}`, summary: 'hi Ada' },
        { audience: 'role:job_seeker', summary: 'seekers' },
      ]);
      const outbox = await store.db.selectFrom('outbox').select('type').execute();
      assert.equal(
        outbox.length,
        3,
        'the events committed with their items, the rolled back one with neither',
      );

      const inbox = new InboxService(store, { retentionDays: 90 });
      const as = (id: string): Principal => ({ userId: id, role: 'job_seeker', expiresAt: null });
      const adaPage = await inbox.list(as(ada.id), {});
      assert.deepEqual(
        adaPage.items.map((i) => [i.summary, i.audience, i.read]),
        [
          ['seekers', 'role', false],
          ['hi Ada', 'user', false],
        ],
      );
      const roleItem = adaPage.items[0]!;
      const read = await inbox.read(as(ada.id), roleItem.id);
      assert.equal(read.unread_count, 1);
      assert.equal((await inbox.list(as(bo.id), {})).items[0]?.read, false, 'Bo has not read it');
      assert.equal(await inbox.unreadCount(as(bo.id)), 1);
      const all = await inbox.readAll(as(bo.id));
      assert.equal(all.unread_count, 0);
      assert.equal(await inbox.unreadCount(as(ada.id)), 1, "Bo's read-all is his");
      const events = await store.db
        .selectFrom('outbox')
        .select(['topic', 'type'])
        .where('type', '=', 'inbox.read')
        .orderBy('id')
        .execute();
      assert.deepEqual(events, [
        { topic: `user:${ada.id}`, type: 'inbox.read' },
        { topic: `user:${bo.id}`, type: 'inbox.read' },
      ]);

      // Retention: an old item goes with its read marks.
      await inboxDb(store.db)
        .updateTable('inbox_items')
        .set({ created_at: '2020-01-01T00:00:00.000Z' })
        .where('id', '=', roleItem.id)
        .execute();
      assert.equal(await inbox.prune(), 1);
      assert.deepEqual(await inboxDb(store.db).selectFrom('inbox_reads').selectAll().execute(), []);
      assert.deepEqual(
        (await inbox.list(as(ada.id), {})).items.map((i) => i.summary),
        ['hi Ada'],
      );
    });
  });
}
