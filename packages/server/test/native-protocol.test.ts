import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { startServer } from './helpers/server.js';
import { publish, sleep, TestClient } from './helpers/ws-client.js';

test('welcome, subscribe, live events in order, unsubscribe, ping', async (t) => {
  const { url, wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '15000' });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  const welcome = client.received[0]!;
  assert.equal(typeof welcome.connection_id, 'string');
  assert.equal(welcome.heartbeat_ms, 15000);
  assert.ok(!Number.isNaN(Date.parse(String(welcome.server_time))));

  const subscribed = await client.subscribe('postings');
  assert.deepEqual(
    { ...subscribed, epoch: undefined },
    {
      type: 'subscribed',
      topic: 'postings',
      seq: 0,
      epoch: undefined,
      recovered: false,
    },
  );
  assert.equal(typeof subscribed.epoch, 'string');

  for (let i = 1; i <= 3; i++) {
    const res = await publish(url, { topic: 'postings', type: 'posting.created', data: { n: i } });
    assert.deepEqual(res, { status: 200, body: { topic: 'postings', seq: i } });
  }
  await client.next('event', (m) => m.seq === 3);
  const events = client.events('postings');
  assert.deepEqual(
    events.map((e) => [e.seq, e.event, (e.data as { n: number }).n]),
    [
      [1, 'posting.created', 1],
      [2, 'posting.created', 2],
      [3, 'posting.created', 3],
    ],
  );
  assert.ok(!Number.isNaN(Date.parse(String(events[0]!.ts))));

  const pong = client.upcoming('pong');
  client.send({ type: 'ping' });
  await pong;

  const unsubscribed = client.upcoming('unsubscribed');
  client.send({ type: 'unsubscribe', topic: 'postings' });
  assert.equal((await unsubscribed).topic, 'postings');
  await publish(url, { topic: 'postings', type: 'posting.created', data: { n: 4 } });
  await sleep(100);
  assert.equal(client.events('postings').length, 3, 'no event after unsubscribe');
});

test('events go only to the subscribers of their topic', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const a = await TestClient.connect(t, `${wsUrl}/ws`);
  const b = await TestClient.connect(t, `${wsUrl}/ws`);
  await a.subscribe('alpha');
  await b.subscribe('beta');
  await publish(url, { topic: 'alpha', type: 'work.progress', data: {} });
  await publish(url, { topic: 'beta', type: 'work.progress', data: {} });
  await a.next('event');
  await b.next('event');
  await sleep(50);
  assert.deepEqual(
    a.events().map((e) => e.topic),
    ['alpha'],
  );
  assert.deepEqual(
    b.events().map((e) => e.topic),
    ['beta'],
  );
});

test('types filters replay and live events by exact name and prefix', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const types = ['work.created', 'queue.stats', 'work.progress', 'scrape.started', 'work.completed'];
  for (const type of types) await publish(url, { topic: 'queue', type, data: {} });
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  await client.subscribe('queue', { since: 0, types: ['work.', 'scrape.started'] });
  for (const type of types) await publish(url, { topic: 'queue', type, data: {} });
  await client.next('event', (m) => m.seq === 10);
  assert.deepEqual(
    client.events().map((e) => `${Number(e.seq)}:${String(e.event)}`),
    [
      '1:work.created',
      '3:work.progress',
      '4:scrape.started',
      '5:work.completed',
      '6:work.created',
      '8:work.progress',
      '9:scrape.started',
      '10:work.completed',
    ],
  );
});

test('heartbeat: the server pings, and a silent peer is dropped after two intervals', async (t) => {
  const { wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const lively = await TestClient.connect(t, `${wsUrl}/ws`);
  await lively.next('ping', () => true, 2000);
  // A peer that never answers: ws answers ping frames on its own unless told not to.
  const silent = new TestClient(`${wsUrl}/ws`, { autoPong: false });
  t.after(() => silent.ws.terminate());
  const closed = await Promise.race([silent.closed, sleep(2000).then(() => null)]);
  assert.ok(closed, 'the silent peer was dropped');
  assert.equal(closed.code, 1006, 'dropped without a closing handshake');
  assert.equal(lively.ws.readyState, lively.ws.OPEN, 'a peer that answers pings stays');
});

test('bad input gets an error naming the problem, and the connection stays open', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  const cases: [unknown, string, RegExp][] = [
    ['{not json', 'invalid_json', /not valid JSON/],
    ['[1,2]', 'invalid_message', /JSON object/],
    [{ topic: 'x' }, 'invalid_message', /"type"/],
    [{ type: 'dance' }, 'invalid_message', /unknown message type "dance"/],
    [{ type: 'subscribe' }, 'invalid_message', /topic/],
    [{ type: 'subscribe', topic: 'Bad Topic!' }, 'invalid_message', /invalid topic "Bad Topic!"/],
    [{ type: 'subscribe', topic: 'postings', since: -1 }, 'invalid_message', /since/],
    [{ type: 'subscribe', topic: 'postings', types: ['Nope'] }, 'invalid_message', /types/],
    [{ type: 'subscribe', topic: 'postings', extra: 1 }, 'invalid_message', /extra/],
  ];
  for (const [input, code, message] of cases) {
    const error = client.upcoming('error');
    client.send(input);
    const got = await error;
    assert.equal(got.code, code, JSON.stringify(input));
    assert.match(String(got.message), message, JSON.stringify(input));
  }
  assert.equal(client.ws.readyState, client.ws.OPEN);
  await client.subscribe('postings');
  await publish(url, { topic: 'postings', type: 'posting.created', data: {} });
  await client.next('event');
});

test('a frame over MAX_PAYLOAD_BYTES closes with 1009; other clients are unaffected', async (t) => {
  const { url, wsUrl } = await startServer(t, { MAX_PAYLOAD_BYTES: '1024' });
  const bystander = await TestClient.connect(t, `${wsUrl}/ws`);
  await bystander.subscribe('system');
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  client.send({ type: 'subscribe', topic: 'system', pad: 'x'.repeat(2000) });
  const { code } = await client.closed;
  assert.equal(code, CloseCode.tooLarge);
  await publish(url, { topic: 'system', type: 'system.notification', data: {} });
  await bystander.next('event');
});

test('message rate: an excess gets rate_limited errors, a continued flood closes with 1008', async (t) => {
  const { url, wsUrl } = await startServer(t, { RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '10' });
  const bystander = await TestClient.connect(t, `${wsUrl}/ws`);
  await bystander.subscribe('system');
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  for (let i = 0; i < 15; i++) client.send({ type: 'ping' });
  const limited = await client.next('error', (m) => m.code === 'rate_limited');
  assert.match(String(limited.message), /too many messages/);
  assert.equal(client.ws.readyState, client.ws.OPEN, 'a short excess is refused, not punished');
  for (let i = 0; i < 50; i++) client.send({ type: 'ping' });
  const { code } = await client.closed;
  assert.equal(code, CloseCode.policy);
  await publish(url, { topic: 'system', type: 'system.notification', data: {} });
  await bystander.next('event');
});

test('MAX_CONNECTIONS: a connection past the limit is closed with 4029', async (t) => {
  const { wsUrl } = await startServer(t, { MAX_CONNECTIONS: '2' });
  await TestClient.connect(t, `${wsUrl}/ws`);
  await TestClient.connect(t, `${wsUrl}/ws`);
  const third = new TestClient(`${wsUrl}/ws`);
  t.after(() => third.ws.terminate());
  assert.equal((await third.closed).code, CloseCode.tooManyConnections);
});

test('an unknown WebSocket path is refused with 404', async (t) => {
  const { wsUrl } = await startServer(t);
  const client = new TestClient(`${wsUrl}/nope`);
  const status = await new Promise<number | undefined>((resolve) => {
    client.ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
  });
  assert.equal(status, 404);
});

test('heartbeat spread over the interval: each peer beaten once per interval, not all in one moment', async (t) => {
  // 3 s: three slices of a second. 30 peers connected together are beaten a third at a time.
  const { wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '3000' });
  const peers = await Promise.all(
    Array.from({ length: 30 }, async () => {
      const pings: number[] = [];
      const client = await TestClient.connect(t, `${wsUrl}/ws`);
      client.ws.on('message', (raw: Buffer) => {
        if (raw.toString().includes('"ping"')) pings.push(performance.now());
      });
      return pings;
    }),
  );
  const start = performance.now();
  await sleep(8800);
  for (const pings of peers) {
    assert.ok(
      pings.length >= 2 && pings.length <= 3,
      `two beats in 8.8 s of a 3 s interval (${pings.length})`,
    );
    const [first = 0, second = 0] = pings;
    assert.ok(first - start > 2000, 'the first beat comes an interval after connecting, not at once');
    assert.ok(Math.abs(second - first - 3000) < 600, `beaten every 3 s (${Math.round(second - first)} ms)`);
  }
  const firsts = peers.map((p) => p[0] ?? 0);
  assert.ok(
    Math.max(...firsts) - Math.min(...firsts) > 1500,
    'the first beats are spread over the interval, not sent in one loop',
  );
});
