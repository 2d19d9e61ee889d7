import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { Hub } from '../src/hub/hub.js';
import { MemoryBroker } from '../src/hub/memory-broker.js';
import type { Logger } from '../src/logger.js';
import { relayTo, type RelayReaction } from '../src/relay-reactions.js';
import { OutboxRelay, type Store } from '../src/store/index.js';
import { draft } from './helpers/drafts.js';
import { storeBackends } from './helpers/store-backends.js';

/** Commits one event per name on the `postings` topic, each in its own transaction. */
async function commit(store: Store, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await store.transaction((tx) => tx.emit(draft('postings', 'posting.created', { name })));
  }
}

/** A reaction that records the names it was handed. */
function recording(name: string): RelayReaction & { readonly seen: string[] } {
  const seen: string[] = [];
  return { name, seen, react: (event) => void seen.push((event.data as { name: string }).name) };
}

/** The names the hub's `postings` history holds, in seq order. */
async function published(broker: MemoryBroker): Promise<string[]> {
  const read = await broker.history('postings', 0);
  return (read.events ?? []).map((event) => (event.data as { name: string }).name);
}

/** A logger whose lines are kept. */
function keptLog(): { lines: Record<string, unknown>[]; logger: Logger } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) {
        if (text) lines.push(JSON.parse(text) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, sink) };
}

for (const backend of await storeBackends()) {
  describe(`relay reactions on ${backend.name}`, { skip: backend.skip }, () => {
    test('each committed event reaches the hub once and every reaction once, also when the relay publishes it again after a crash', async (t) => {
      const database = await backend.database(t);
      const store = await database.open();
      const broker = new MemoryBroker({ maxEvents: 100, maxAgeMs: 60_000 });
      const hub = new Hub(broker);
      const first = recording('first');
      const second = recording('second');
      const { logger } = keptLog();
      const relay = new OutboxRelay(store, relayTo(hub, [first, second], logger), { pollMs: 20 });
      t.after(() => relay.stop());
      relay.start();
      await commit(store, ['a', 'b', 'c']);
      await relay.drain();
      assert.deepEqual(await published(broker), ['a', 'b', 'c']);
      assert.deepEqual(first.seen, ['a', 'b', 'c']);
      assert.deepEqual(second.seen, ['a', 'b', 'c']);

      // A crash between the publish and the mark: the rows are pending again, and a new relay sends them.
      await relay.stop();
      await store.db.updateTable('outbox').set({ published_at: null }).execute();
      const again = new OutboxRelay(store, relayTo(hub, [first, second], logger), { pollMs: 20 });
      t.after(() => again.stop());
      again.start();
      await again.drain();
      assert.deepEqual(await published(broker), ['a', 'b', 'c'], 'the hub drops the replayed keys');
      assert.deepEqual(first.seen, ['a', 'b', 'c'], 'a duplicate publish runs no reaction');
      assert.deepEqual(second.seen, ['a', 'b', 'c']);
    });

    test('a reaction that throws is logged by name; the reactions after it run and the rows after it are published', async (t) => {
      const store = await (await backend.database(t)).open();
      const broker = new MemoryBroker({ maxEvents: 100, maxAgeMs: 60_000 });
      const hub = new Hub(broker);
      const failing: RelayReaction = {
        name: 'failing',
        react: (event) => {
          if ((event.data as { name: string }).name === 'b') throw new Error('cannot queue b');
        },
      };
      const after = recording('after');
      const { lines, logger } = keptLog();
      const relay = new OutboxRelay(store, relayTo(hub, [failing, after], logger), { pollMs: 20 });
      t.after(() => relay.stop());
      relay.start();
      await commit(store, ['a', 'b', 'c']);
      await relay.drain();
      assert.deepEqual(await published(broker), ['a', 'b', 'c']);
      assert.deepEqual(after.seen, ['a', 'b', 'c']);
      const failures = lines.filter((line) => line.msg === 'relay reaction failed');
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.reaction, 'failing');
      assert.equal(failures[0]?.type, 'posting.created');
    });
  });
}
