import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBroker } from '../src/hub/memory-broker.js';

const limits = { maxEvents: 100, maxAgeMs: 1_000 };

test('memory broker: a topic forgotten while empty comes back in the same epoch at seq 0', async (t) => {
  const broker = new MemoryBroker(limits);
  t.after(() => broker.close());
  await broker.watch('a');
  const told = await broker.history('a', 0);
  broker.unwatch('a'); // nobody watches, no history: the state is dropped
  assert.equal(broker.stats().topics, 0);
  await broker.publish({ topic: 'a', type: 't', data: {} });
  const read = await broker.history('a', 0);
  assert.equal(read.epoch, told.epoch);
  assert.deepEqual(
    read.events?.map((e) => e.seq),
    [1],
  );
});

test('memory broker: a topic forgotten after its events aged out keeps its numbering and says what is gone', async (t) => {
  const broker = new MemoryBroker(limits);
  t.after(() => broker.close());
  await broker.publish({ topic: 'b', type: 't', data: {} });
  await broker.publish({ topic: 'b', type: 't', data: {} });
  const before = await broker.history('b', 0);
  broker.sweep(Date.now() + 5_000); // both aged out: the topic is dropped
  assert.equal(broker.stats().topics, 0);
  const after = await broker.history('b', 0);
  assert.equal(after.epoch, before.epoch);
  assert.equal(after.seq, 2);
  assert.equal(after.events, null, 'a reader at seq 0 missed events 1 and 2: not recoverable');
  assert.deepEqual((await broker.history('b', 2)).events, [], 'a reader at seq 2 missed nothing');
  const next = await broker.publish({ topic: 'b', type: 't', data: {} });
  assert.equal(next.seq, 3, 'numbering goes on');
});
