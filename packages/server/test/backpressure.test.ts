import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { CloseCode } from '@jobstream/protocol';
import { collectGarbage } from './helpers/child-gc.js';
import { spawnServer } from './helpers/server.js';
import { publish, sleep, TestClient } from './helpers/ws-client.js';

test('a slow consumer is cut with 4008 while fast ones keep everything, and RSS stays bounded', async (t) => {
  const server = await spawnServer(t, {
    SEND_BUFFER_BYTES: String(256 * 1024),
    HISTORY_SIZE: '10',
    // Through the inspector the test asks for a full collection before each reading of resident memory,
    // which otherwise says as much about garbage not yet collected as about what the server holds.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0 --inspect-publish-uid=http`,
  });
  const port = Number(new URL(server.url).port);
  const resident = async () => {
    await collectGarbage(server.child.pid ?? 0, port);
    return server.rssBytes();
  };
  const wsUrl = server.url.replace(/^http/, 'ws');
  const fast = await TestClient.connect(t, `${wsUrl}/ws`);
  await fast.subscribe('firehose');

  // The slow one subscribes, then stops reading: the kernel buffers fill, then the server's.
  const slow = new WebSocket(`${wsUrl}/ws`);
  t.after(() => slow.terminate());
  await new Promise((resolve) => slow.once('message', resolve));
  slow.send(JSON.stringify({ type: 'subscribe', topic: 'firehose' }));
  await new Promise((resolve) => slow.once('message', resolve));
  let slowClose: number | undefined;
  slow.on('close', (code) => (slowClose = code));
  const rawSocket = (slow as unknown as { _socket: Socket })._socket;
  rawSocket.pause();

  const pad = 'x'.repeat(48 * 1024);
  let seq = 0;
  const publishMany = async (n: number) => {
    for (let i = 0; i < n; i += 4) {
      await Promise.all(
        [1, 2, 3, 4].map(() =>
          publish(server.url, { topic: 'firehose', type: 'bench.tick', data: { i: ++seq, pad } }),
        ),
      );
    }
  };
  const openConnections = async () =>
    ((await (await fetch(`${server.url}/api/v1/stats`)).json()) as { connections: { total: number } })
      .connections.total;

  // Phase 1: the stalled reader is let go of once its backlog passes the 256 KiB send buffer (plus
  // what the kernel's socket buffers take), well before 16 MiB have been published.
  while ((await openConnections()) === 2 && seq < 320) await publishMany(8);
  assert.equal(await openConnections(), 1, `the slow consumer was still held after ${seq} events of 48 KiB`);

  // Phase 2: another 96 MiB flows to the fast consumer; the server's memory does not follow it.
  const before = await resident();
  await publishMany(2000);
  const total = seq;
  await Promise.race([
    fast.next('event', (m) => m.seq === total, 20_000),
    fast.closed.then((c) => assert.fail(`fast client closed: ${c.code}`)),
  ]);
  const after = await resident();
  assert.deepEqual(
    fast.events().map((e) => e.seq),
    Array.from({ length: total }, (_, i) => i + 1),
    'the fast consumer got every event, in order',
  );
  const grewMiB = Math.round((after - before) / 1048576);
  // A server that kept the stalled reader's backlog would grow by the whole 96 MiB; pages the collector
  // freed but the process keeps account for the rest, so the bound sits between the two.
  assert.ok(grewMiB < 64, `RSS grew by ${grewMiB} MiB while 96 MiB flowed past`);

  rawSocket.resume();
  for (let i = 0; i < 100 && slowClose === undefined; i++) await sleep(50);
  assert.equal(slowClose, CloseCode.slowConsumer);
});
