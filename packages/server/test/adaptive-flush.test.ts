import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../src/gateway/connection.js';
import { FlushScheduler } from '../src/gateway/flush-scheduler.js';
import type { Transport } from '../src/gateway/transport.js';
import { Hub } from '../src/hub/hub.js';
import { MemoryBroker } from '../src/hub/memory-broker.js';

/** A transport that records each write (the bytes of one syscall) and holds `held` bytes unsent. */
class RecordingTransport implements Transport {
  readonly writes: string[] = [];
  held = 0;
  write(chunk: Buffer): void {
    this.writes.push(chunk.toString());
  }
  buffered(): number {
    return this.held;
  }
  congested(): boolean {
    return this.held > 0;
  }
  onDrain(): void {}
  close(): void {}
  terminate(): void {}
  drop(): void {}
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const broker = new MemoryBroker({ maxEvents: 100, maxAgeMs: 60_000 });
  const transport = new RecordingTransport();
  const connection = new Connection(transport, new FlushScheduler(), new Hub(broker), {
    endpoint: 'test',
    sendBufferBytes: 1024 * 1024,
  });
  return { transport, connection, close: () => broker.close() };
}

test('a lone reply or small fan-out frame is written at once; a burst behind it in the same turn goes out in one write, in order', async (t) => {
  const { transport, connection, close } = setup();
  t.after(close);
  connection.send(Buffer.from('a'));
  assert.deepEqual(transport.writes, ['a'], 'written before send() returns');
  connection.send(Buffer.from('b'));
  connection.send(Buffer.from('c'));
  assert.deepEqual(transport.writes, ['a'], 'the rest of the burst waits for the turn to end');
  await nextTurn();
  assert.deepEqual(transport.writes, ['a', 'bc']);
  connection.send(Buffer.from('d'));
  assert.deepEqual(transport.writes, ['a', 'bc', 'd'], 'a later turn writes at once again');
});

test('a broadcast frame is always coalesced, and a reply queued behind it keeps its place', async (t) => {
  const { transport, connection, close } = setup();
  t.after(close);
  connection.send(Buffer.from('x'), false);
  connection.send(Buffer.from('y'));
  assert.deepEqual(transport.writes, []);
  await nextTurn();
  assert.deepEqual(transport.writes, ['xy']);
});

test('nothing is written at once while the socket still holds bytes: frames queue behind them', async (t) => {
  const { transport, connection, close } = setup();
  t.after(close);
  transport.held = 10;
  connection.send(Buffer.from('a'));
  assert.deepEqual(transport.writes, []);
  transport.held = 0;
  await nextTurn();
  assert.deepEqual(transport.writes, ['a']);
});

test('catch-up frames are queued and paced, never written at once', async (t) => {
  const { transport, connection, close } = setup();
  t.after(close);
  connection.replay(Buffer.from('r1'));
  connection.replay(Buffer.from('r2'));
  assert.deepEqual(transport.writes, []);
  await nextTurn();
  assert.deepEqual(transport.writes, ['r1r2']);
});
