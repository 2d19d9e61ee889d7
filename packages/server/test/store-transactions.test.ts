import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeBackends } from './helpers/store-backends.js';
import { postingRow } from './helpers/store-rows.js';
import { draft } from './helpers/drafts.js';

for (const backend of await storeBackends()) {
  describe(`store transactions on ${backend.name}`, { skip: backend.skip }, () => {
    test('a committed transaction keeps its rows and its events, in order, and notifies once', async (t) => {
      const store = await (await backend.database(t)).open();
      let commits = 0;
      store.onCommit(() => commits++);
      const id = await store.transaction(async (tx) => {
        const { id } = await tx.db
          .insertInto('postings')
          .values(postingRow())
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.emit(draft('postings', 'posting.created', { id }));
        await tx.emit(draft('role:job_seeker', 'notification', { job_id: id }));
        return id;
      });
      assert.equal(commits, 1);
      const rows = await store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => [r.topic, r.type, JSON.parse(r.data) as unknown, r.published_at]),
        [
          ['postings', 'posting.created', { id }, null],
          ['role:job_seeker', 'notification', { job_id: id }, null],
        ],
      );
      assert.equal(typeof rows[0]!.id, 'number');
      assert.ok(rows[0]!.id < rows[1]!.id);

      await store.transaction((tx) => tx.db.insertInto('postings').values(postingRow()).execute());
      assert.equal(commits, 1, 'a transaction without events notifies nobody');
    });

    test('a transaction that throws leaves neither rows nor events', async (t) => {
      const store = await (await backend.database(t)).open();
      let commits = 0;
      store.onCommit(() => commits++);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.db.insertInto('postings').values(postingRow()).execute();
          await tx.emit(draft('postings', 'posting.created', {}));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await store.db.selectFrom('postings').select('id').execute(), []);
      assert.deepEqual(await store.db.selectFrom('outbox').select('id').execute(), []);
      assert.equal(commits, 0);
    });

    test('emit after the transaction ended is refused; an unsubscribed listener hears nothing', async (t) => {
      const store = await (await backend.database(t)).open();
      let heard = 0;
      const unsubscribe = store.onCommit(() => heard++);
      unsubscribe();
      let leaked: { emit: (e: { topic: string; type: string; data: unknown }) => Promise<void> } | undefined;
      await store.transaction(async (tx) => {
        leaked = tx;
        await tx.emit(draft('system', 'system.notification', null));
      });
      await assert.rejects(leaked!.emit({ topic: 'system', type: 'late', data: null }), /ended/);
      assert.equal(heard, 0);
      const [row] = await store.db.selectFrom('outbox').select('data').execute();
      assert.equal(row!.data, 'null');
    });

    test('concurrent transactions each commit their posting with exactly its event', async (t) => {
      const store = await (await backend.database(t)).open();
      await Promise.all(
        Array.from({ length: 30 }, () =>
          store.transaction(async (tx) => {
            const { id } = await tx.db
              .insertInto('postings')
              .values(postingRow())
              .returning('id')
              .executeTakeFirstOrThrow();
            await tx.emit(draft('postings', 'posting.created', { id }));
          }),
        ),
      );
      const postings = await store.db.selectFrom('postings').select('id').orderBy('id').execute();
      const events = await store.db.selectFrom('outbox').select('data').orderBy('id').execute();
      assert.equal(postings.length, 30);
      assert.deepEqual(
        events.map((e) => (JSON.parse(e.data) as { id: number }).id).sort((a, b) => a - b),
        postings.map((p) => p.id),
      );
    });
  });
}
