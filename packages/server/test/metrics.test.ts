import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { CloseCode } from '@jobstream/protocol';
import { api } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { publish, sleep, TestClient } from './helpers/ws-client.js';

const TOKEN = 'metrics-token-for-tests';

/** `/metrics` as a map of `name{labels}` to value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/** Scrapes until `ready` holds of the metrics (at most 10 s), then returns them. */
async function until(url: string, ready: (m: Map<string, number>) => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    const metrics = await scrape(url);
    if (ready(metrics)) return metrics;
    await sleep(50);
  }
  assert.fail(`metrics never showed ${what}`);
}

const at = (m: Map<string, number>, key: string): number => m.get(key) ?? Number.NaN;

test('/metrics wants METRICS_TOKEN when it is set; Node’s own metrics are there', async (t) => {
  const { url } = await startServer(t, { METRICS_TOKEN: TOKEN });
  const none = await fetch(`${url}/metrics`);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'unauthorized');
  const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
  assert.equal(wrong.status, 401);
  const metrics = await scrape(url);
  for (const name of [
    'nodejs_eventloop_lag_seconds',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
  ])
    assert.ok(metrics.has(name), name);
  // Unset, anyone who reaches the port may read it.
  const open = await startServer(t);
  assert.equal((await fetch(`${open.url}/metrics`)).status, 200);
});

test('metrics move with traffic: connect, publish, resume, disconnect', async (t) => {
  const { url, wsUrl } = await startServer(t, { METRICS_TOKEN: TOKEN });
  const before = await scrape(url);
  assert.equal(at(before, 'jobstream_connections{endpoint="native"}'), 0);

  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  await client.subscribe('postings');
  for (let i = 0; i < 3; i++)
    assert.equal((await publish(url, { topic: 'postings', type: 'x.y', data: { i } })).status, 200);
  await client.next('event', (m) => m.seq === 3);
  const live = await until(
    url,
    (m) => at(m, 'jobstream_publish_to_write_seconds_count') >= 3,
    'three latencies',
  );
  assert.equal(at(live, 'jobstream_connections{endpoint="native"}'), 1);
  assert.equal(at(live, 'jobstream_messages_received_total{endpoint="native"}'), 1, 'the subscribe');
  // welcome, subscribed and three events; bytes as the client read them.
  assert.ok(at(live, 'jobstream_messages_sent_total{endpoint="native"}') >= 5);
  assert.ok(at(live, 'jobstream_sent_bytes_total{endpoint="native"}') > 100);
  assert.ok(at(live, 'jobstream_received_bytes_total{endpoint="native"}') > 10);
  assert.ok(at(live, 'jobstream_events_published_total') >= 3);
  assert.equal(at(live, 'jobstream_messages_sent_total{endpoint="job-feed"}'), 0, 'by endpoint');

  // A resume from seq 1 replays two events.
  const again = await TestClient.connect(t, `${wsUrl}/ws`);
  const subscribed = await again.subscribe('postings', {
    since: 1,
    epoch: (await client.next('subscribed')).epoch,
  });
  assert.equal(subscribed.recovered, true);
  const resumed = await scrape(url);
  assert.equal(at(resumed, 'jobstream_replay_events_count'), 1);
  assert.equal(at(resumed, 'jobstream_replay_events_sum'), 2);
  assert.equal(at(resumed, 'jobstream_connections{endpoint="native"}'), 2);

  client.ws.close();
  again.ws.close();
  await until(url, (m) => at(m, 'jobstream_connections{endpoint="native"}') === 0, 'the disconnects');
});

test('metrics count a slow consumer’s cut and rate-limited clients, WebSocket and HTTP', async (t) => {
  const { url, wsUrl } = await startServer(t, {
    METRICS_TOKEN: TOKEN,
    SEND_BUFFER_BYTES: '65536',
    HISTORY_SIZE: '10',
    RATE_LIMIT_PER_SEC: '1',
    RATE_LIMIT_BURST: '5',
    LOGIN_RATE_LIMIT_PER_MIN: '1',
  });
  // A reader that stops reading: the kernel's buffers fill, then the server's, and it is cut.
  const slow = new WebSocket(`${wsUrl}/ws`);
  t.after(() => slow.terminate());
  await new Promise((resolve) => slow.once('message', resolve));
  slow.send(JSON.stringify({ type: 'subscribe', topic: 'firehose' }));
  await new Promise((resolve) => slow.once('message', resolve));
  const closed = new Promise<number>((resolve) => slow.on('close', resolve));
  (slow as unknown as { _socket: Socket })._socket.pause();
  const pad = 'x'.repeat(48 * 1024);
  let cut = await scrape(url);
  for (
    let i = 0;
    i < 200 && at(cut, 'jobstream_slow_consumer_disconnects_total{endpoint="native"}') === 0;
    i++
  ) {
    await Promise.all(
      [1, 2, 3, 4].map(() => publish(url, { topic: 'firehose', type: 'x.y', data: { pad } })),
    );
    cut = await scrape(url);
  }
  assert.equal(at(cut, 'jobstream_slow_consumer_disconnects_total{endpoint="native"}'), 1);
  (slow as unknown as { _socket: Socket })._socket.resume();
  assert.equal(await closed, CloseCode.slowConsumer);

  // A client past its burst is refused (and told); each refusal counts.
  const eager = await TestClient.connect(t, `${wsUrl}/ws`);
  for (let i = 0; i < 8; i++) eager.send({ type: 'ping' });
  await eager.next('error', (m) => m.code === 'rate_limited');
  const limited = await until(
    url,
    (m) => at(m, 'jobstream_rate_limited_total{endpoint="native"}') >= 1,
    'a refusal',
  );
  assert.ok(at(limited, 'jobstream_rate_limited_total{endpoint="native"}') <= 3);
  assert.equal(at(limited, 'jobstream_rate_limited_total{endpoint="http"}'), 0);

  const login = () =>
    api(url)('POST', '/api/v1/auth/login', { email: 'nobody@example.test', password: 'x'.repeat(10) });
  await login();
  assert.equal((await login()).status, 429);
  assert.equal(at(await scrape(url), 'jobstream_rate_limited_total{endpoint="http"}'), 1);
});

test('metrics of the store and the work queue: outbox lag, jobs by status, work durations', async (t) => {
  let finish = (): void => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const { url, server } = await startServer(
    t,
    { METRICS_TOKEN: TOKEN },
    { pipelines: { analysis: () => done.then(() => ({ ok: true })) } },
  );
  await server.work.create('analysis', {}, null);
  const running = await until(
    url,
    (m) => at(m, 'jobstream_work_jobs{status="running"}') === 1,
    'a running job',
  );
  assert.equal(
    at(running, 'jobstream_work_duration_seconds_count{kind="analysis",status="complete"}'),
    Number.NaN,
  );
  finish();
  const finished = await until(
    url,
    (m) => at(m, 'jobstream_work_duration_seconds_count{kind="analysis",status="complete"}') === 1,
    'a finished job’s duration',
  );
  assert.equal(at(finished, 'jobstream_work_jobs{status="complete"}'), 1);
  assert.equal(at(finished, 'jobstream_work_jobs{status="running"}'), 0);
  assert.equal(at(finished, 'jobstream_outbox_lag_seconds'), 0, 'nothing waits in the outbox');

  // With the relay stopped, a committed event waits: the lag grows.
  await server.relay.stop();
  await server.work.create('analysis', {}, null);
  await until(url, (m) => at(m, 'jobstream_outbox_lag_seconds') > 0, 'a lagging outbox');
});
