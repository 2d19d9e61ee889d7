import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { OutboxRelay } from '../src/store/index.js';
import { storeBackends } from './helpers/store-backends.js';

const writer = fileURLToPath(new URL('./helpers/store-crash-writer.ts', import.meta.url));
const sqlite = (await storeBackends()).find((b) => b.name === 'sqlite');

test(
  'SIGKILL in a burst of writes loses no event and leaves none without its posting',
  { skip: !sqlite },
  async (t) => {
    const database = await sqlite!.database(t);
    const child = spawn(process.execPath, ['--import', 'tsx', writer, database.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const committed = new Set<number>();
    const publishedByChild = new Set<string>();
    const exited = once(child, 'exit');
    for await (const line of createInterface({ input: child.stdout })) {
      const [word, value] = line.split(' ');
      if (word === 'commit') committed.add(Number(value));
      if (word === 'publish') publishedByChild.add(value!);
      // Killed mid-burst: the child is writing, and its relay publishing, as fast as it can.
      if (committed.size === 300 && child.signalCode === null) child.kill('SIGKILL');
    }
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGKILL', 'the child was killed, not finished');
    assert.ok(committed.size >= 300);

    const store = await database.open();
    const postings = await store.db.selectFrom('postings').select('id').execute();
    const outbox = await store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    const postingIds = new Set(postings.map((p) => p.id));
    for (const id of committed) assert.ok(postingIds.has(id), `committed posting ${id} is stored`);
    const eventsPerPosting = new Map<number, number>();
    for (const row of outbox) {
      const { id } = JSON.parse(row.data) as { id: number };
      eventsPerPosting.set(id, (eventsPerPosting.get(id) ?? 0) + 1);
    }
    for (const id of postingIds)
      assert.equal(eventsPerPosting.get(id), 1, `posting ${id} has exactly its event`);
    assert.equal(outbox.length, postingIds.size, 'no event without its posting');
    for (const row of outbox) {
      if (row.published_at !== null)
        assert.ok(publishedByChild.has(`outbox:${row.id}`), 'marked after publishing');
    }

    const pending = outbox.filter((row) => row.published_at === null).map((row) => `outbox:${row.id}`);
    assert.ok(pending.length > 0, 'the kill left events unpublished');
    const published: string[] = [];
    const relay = new OutboxRelay(store, (input) => Promise.resolve(published.push(input.idempotencyKey)));
    await relay.drain();
    await relay.stop();
    assert.deepEqual(published, pending, 'every pending event once, in order');
    // A row published but not yet marked when the kill came is sent again under the same key, which
    // the hub drops; there is at most the one in flight.
    assert.ok(published.filter((key) => publishedByChild.has(key)).length <= 1);
    const everyKey = new Set([...publishedByChild, ...published]);
    for (const row of outbox) assert.ok(everyKey.has(`outbox:${row.id}`), `event ${row.id} was published`);
  },
);
