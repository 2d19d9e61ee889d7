import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OutboxRelay, type RelayPublish, type Store } from '../src/store/index.js';
import { storeBackends, waitFor } from './helpers/store-backends.js';
import { postingRow } from './helpers/store-rows.js';
import { draft } from './helpers/drafts.js';

interface Published {
  readonly topic: string;
  readonly type: string;
  readonly data: unknown;
  readonly idempotencyKey: string;
}

/** A publish that records what it was given. */
function recorder(): { published: Published[]; publish: RelayPublish } {
  const published: Published[] = [];
  return { published, publish: (input) => Promise.resolve(published.push(input)) };
}

/** Commits one posting and its event per name, each in its own transaction. */
async function createPostings(store: Store, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await store.transaction(async (tx) => {
      await tx.db
        .insertInto('postings')
        .values(postingRow({ company: name }))
        .execute();
      await tx.emit(draft('postings', 'posting.created', { company: name }));
    });
  }
}

const companies = (published: readonly Published[]): string[] =>
  published.map((p) => (p.data as { company: string }).company);

for (const backend of await storeBackends()) {
  describe(`outbox relay on ${backend.name}`, { skip: backend.skip }, () => {
    test('publishes committed events in order, exactly once, keyed by outbox id', async (t) => {
      const store = await (await backend.database(t)).open();
      const { published, publish } = recorder();
      const relay = new OutboxRelay(store, publish, { pollMs: 20, batchSize: 3 });
      t.after(() => relay.stop());
      await createPostings(store, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      await relay.drain();
      await relay.drain();
      assert.deepEqual(companies(published), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      const ids = await store.db.selectFrom('outbox').select('id').orderBy('id').execute();
      assert.deepEqual(
        published.map((p) => p.idempotencyKey),
        ids.map((r) => `outbox:${r.id}`),
      );
      const pending = await store.db
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .execute();
      assert.deepEqual(pending, []);
    });

    test('once started, a commit is published at once, without waiting for the poll', async (t) => {
      const store = await (await backend.database(t)).open();
      const { published, publish } = recorder();
      const relay = new OutboxRelay(store, publish, { pollMs: 60_000 });
      relay.start();
      t.after(() => relay.stop());
      await createPostings(store, ['live']);
      await waitFor(() => published.length === 1, 2_000, 'the commit to be published');
      assert.deepEqual(companies(published), ['live']);
    });

    test('a relay started after a restart publishes what was left unpublished', async (t) => {
      const database = await backend.database(t);
      const before = await database.open();
      await createPostings(before, ['left-1', 'left-2']);
      await before.close();

      const after = await database.open();
      const { published, publish } = recorder();
      const relay = new OutboxRelay(after, publish, { pollMs: 20 });
      relay.start();
      t.after(() => relay.stop());
      await waitFor(() => published.length === 2, 5_000, 'the leftovers to be published');
      await createPostings(after, ['new']);
      await relay.drain();
      assert.deepEqual(companies(published), ['left-1', 'left-2', 'new']);
    });

    test('a failing publish is retried with its successors waiting, never skipped or reordered', async (t) => {
      const store = await (await backend.database(t)).open();
      const attempts: string[] = [];
      const published: string[] = [];
      let failuresLeft = 3;
      const relay = new OutboxRelay(
        store,
        (input) => {
          const company = (input.data as { company: string }).company;
          attempts.push(company);
          if (company === 'b' && failuresLeft-- > 0) return Promise.reject(new Error('hub down'));
          published.push(company);
          return Promise.resolve();
        },
        { pollMs: 10 },
      );
      relay.start();
      t.after(() => relay.stop());
      await createPostings(store, ['a', 'b', 'c']);
      await relay.drain();
      assert.deepEqual(published, ['a', 'b', 'c']);
      assert.deepEqual(
        attempts.filter((c) => c !== 'a'),
        ['b', 'b', 'b', 'b', 'c'],
      );
    });

    test('stop waits for the publish in flight, and nothing is published after it', async (t) => {
      const store = await (await backend.database(t)).open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const published: string[] = [];
      let entered = 0;
      const relay = new OutboxRelay(store, async (input) => {
        entered++;
        await gate;
        published.push((input.data as { company: string }).company);
      });
      await createPostings(store, ['a', 'b']);
      relay.start();
      await waitFor(() => entered === 1, 2_000, 'the first publish');
      let stopped = false;
      const stopping = relay.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(stopped, false, 'stop waits for the publish in flight');
      release();
      await stopping;
      assert.deepEqual(published, ['a']);
      const pending = await store.db
        .selectFrom('outbox')
        .select('data')
        .where('published_at', 'is', null)
        .execute();
      assert.equal(pending.length, 1, 'the second event waits for the next relay');
      await assert.rejects(relay.drain(), /stopped/);
    });

    test('published rows older than a day are deleted; unpublished ones are kept', async (t) => {
      const store = await (await backend.database(t)).open();
      const old = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
      const recent = new Date().toISOString();
      await store.db
        .insertInto('outbox')
        .values([
          { topic: 'system', type: 'old', data: '{}', created_at: old, published_at: old },
          { topic: 'system', type: 'recent', data: '{}', created_at: recent, published_at: recent },
        ])
        .execute();
      await createPostings(store, ['pending']);
      // Held back, so that the pending row is still pending when the cleanup runs.
      let attempts = 0;
      const relay = new OutboxRelay(store, () => Promise.reject(new Error(`not yet ${++attempts}`)), {
        pollMs: 10_000,
      });
      relay.start();
      await waitFor(() => attempts === 1, 2_000, 'a publish attempt');
      await relay.stop(); // the pass, cleanup included, has ended
      const rows = await store.db
        .selectFrom('outbox')
        .select(['type', 'published_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.type, r.published_at !== null]),
        [
          ['recent', true],
          ['posting.created', false],
        ],
      );
    });

    if (backend.name === 'postgres') {
      test('two relays on one database publish each row once, in order', async (t) => {
        const database = await backend.database(t);
        const [one, two] = [await database.open(), await database.open()];
        const published: Published[] = [];
        const publish: RelayPublish = async (input) => {
          // Slow enough that the relays overlap.
          await new Promise((resolve) => setTimeout(resolve, 1));
          published.push(input);
        };
        const relays = [one, two].map(
          (store) => new OutboxRelay(store, publish, { pollMs: 5, batchSize: 4 }),
        );
        for (const relay of relays) relay.start();
        t.after(() => Promise.all(relays.map((relay) => relay.stop())));
        const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
        await Promise.all([createPostings(one, names.slice(0, 20)), createPostings(two, names.slice(20))]);
        await Promise.all(relays.map((relay) => relay.drain()));
        const keys = published.map((p) => Number(p.idempotencyKey.slice('outbox:'.length)));
        assert.equal(new Set(keys).size, 40, 'each row once');
        assert.deepEqual(
          keys,
          [...keys].sort((a, b) => a - b),
          'in id order',
        );
      });

      test('a commit made while another node’s relay holds the lock is published without waiting for the poll', async (t) => {
        const database = await backend.database(t);
        const [one, two] = [await database.open(), await database.open()];
        const published: Published[] = [];
        let release = (): void => {};
        const gate = new Promise<void>((resolve) => (release = resolve));
        let blocked = false;
        // Node two's relay takes the lock, reads its batch, then stalls in the publish.
        const stalling: RelayPublish = async (input) => {
          blocked = true;
          await gate;
          published.push(input);
        };
        const slow = new OutboxRelay(two, stalling, { pollMs: 60_000 });
        const relay = new OutboxRelay(one, (input) => Promise.resolve(published.push(input)), {
          pollMs: 60_000,
        });
        t.after(() => Promise.all([slow.stop(), relay.stop()]));
        slow.start();
        await createPostings(two, ['first']);
        await waitFor(() => blocked, 5_000, 'node two publishing');
        relay.start();
        // Committed on node one after node two read its batch: node one's relay finds the lock taken.
        await createPostings(one, ['second']);
        await new Promise((resolve) => setTimeout(resolve, 50));
        release();
        await waitFor(() => published.length === 2, 2_000, 'the second row (the poll is a minute away)');
        assert.deepEqual(companies(published), ['first', 'second']);
      });
    }
  });
}
