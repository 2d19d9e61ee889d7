import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../src/index.js';
import { client, reach, startServer, until } from './helpers/jobstream.js';

test('full jitter: delays spread evenly over a window that doubles from 500 ms to a 30 s cap', () => {
  const n = 10_000;
  for (const [attempt, window] of [
    [0, 500],
    [3, 4000],
    [6, 30_000],
    [20, 30_000],
  ] as const) {
    const delays = Array.from({ length: n }, () => backoffDelay(attempt, 500, 30_000));
    assert.ok(
      Math.min(...delays) >= 0 && Math.max(...delays) < window,
      `attempt ${attempt} within [0, ${window})`,
    );
    const deciles = Array.from({ length: 10 }, () => 0);
    for (const d of delays) deciles[Math.floor((d / window) * 10)]!++;
    for (const count of deciles) {
      assert.ok(
        count > n * 0.08 && count < n * 0.12,
        `attempt ${attempt}: a tenth of the window holds ${count}`,
      );
    }
  }
});

test('no reconnect storm: after a server restart, clients retry spread over time, and all come back', async (t) => {
  const first = await startServer(t);
  const port = new URL(first.url).port;
  const count = 300;
  const clients = Array.from({ length: count }, () => client(t, { url: first.url }));
  await Promise.all(clients.map((c) => reach(c, 'open', 10_000)));
  const reopened: number[] = [];
  const retries: number[] = [];
  for (const c of clients) {
    c.on('state', (s) => {
      if (s.newState === 'open') reopened.push(Date.now());
      // When this client's first retry is due: the spread that matters to a restarting server.
      if (s.newState === 'reconnecting' && s.oldState === 'open')
        retries.push(Date.now() + s.reason.delayMs!);
    });
  }
  const restart = Date.now();
  await first.server.close();
  await startServer(t, { PORT: port });
  await until(() => reopened.length === count, 'every client back', 15_000);
  const times = retries.map((at) => at - restart).sort((a, b) => a - b);
  assert.equal(times.length, count);
  const buckets = new Map<number, number>();
  for (const ms of times) buckets.set(Math.floor(ms / 50), (buckets.get(Math.floor(ms / 50)) ?? 0) + 1);
  const busiest = Math.max(...buckets.values());
  const p10 = times[Math.floor(count * 0.1)]!;
  const p90 = times[Math.floor(count * 0.9)]!;
  console.log(
    `first retries after the restart: p10 ${p10} ms, p90 ${p90} ms, busiest 50 ms: ${busiest}/${count}`,
  );
  assert.ok(busiest <= count * 0.2, `at most a fifth of the clients retry in any 50 ms (${busiest})`);
  assert.ok(p90 - p10 >= 300, `spread over ${p90 - p10} ms`);
  assert.ok(
    clients.every((c) => c.transport === 'websocket'),
    'all back on the WebSocket',
  );
});
