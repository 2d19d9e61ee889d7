import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  CHANNELS,
  ChannelsConnectedMessage as ConnectedMessage,
  ChannelsControlMessage,
  CloseCode,
} from '@jobstream/protocol';
import type WebSocket from 'ws';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

/** channels.md's endpoint. */
const PATH = '/api/v1/ws';
const UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A channels client that has received its `system.connected`. */
async function connect(t: TestContext, url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
  const client = new TestClient(url, options);
  t.after(() => client.ws.terminate());
  await client.next('system.connected');
  return client;
}

/** Sends a message and waits for the next reply of `type`. */
async function ask(client: TestClient, message: unknown, type: string): Promise<Message> {
  const reply = client.upcoming(type);
  client.send(message);
  return reply;
}

/** Asserts a control message's schema and envelope; returns its data. */
function dataOf(message: Message, type: string): Record<string, unknown> {
  assert.equal(message.type, type);
  ChannelsControlMessage.parse(message);
  assert.deepEqual(Object.keys(message).sort(), ['data', 'timestamp', 'type']);
  assert.match(String(message.timestamp), UTC);
  return message.data as Record<string, unknown>;
}

test('system.connected as the document shows it, with and without a trailing slash', async (t) => {
  const { wsUrl } = await startServer(t);
  const client = await connect(t, `${wsUrl}${PATH}?user_id=user123&channels=jobs,applications`);
  const welcome = ConnectedMessage.parse(client.received[0]);
  assert.match(welcome.data.connection_id, /^conn_[0-9a-f-]{36}$/);
  assert.deepEqual(welcome, {
    type: 'system.connected',
    data: {
      connection_id: welcome.data.connection_id,
      user_id: 'user123',
      channels: ['jobs', 'applications'],
      message: 'Connected to WebSocket server',
      timestamp: welcome.timestamp,
    },
    timestamp: welcome.timestamp,
  });
  assert.match(welcome.timestamp, UTC);
  assert.deepEqual(Object.keys(client.received[0]!).sort(), ['data', 'timestamp', 'type']);

  const bare = await connect(t, `${wsUrl}${PATH}/`);
  const data = dataOf(bare.received[0]!, 'system.connected');
  assert.equal(data.user_id, null, 'no user_id, no credentials');
  assert.deepEqual(data.channels, []);
  assert.notEqual(data.connection_id, welcome.data.connection_id);

  const listed = await ask(bare, { action: 'list_channels' }, 'system.channels');
  assert.deepEqual(dataOf(listed, 'system.channels'), { channels: [], available_channels: [...CHANNELS] });
});

test('subscribe, unsubscribe, list_channels, with per-channel subscriber counts', async (t) => {
  const { wsUrl } = await startServer(t);
  const a = await connect(t, `${wsUrl}${PATH}?channels=jobs,applications,interviews`);
  const b = await connect(t, `${wsUrl}${PATH}`);

  const subscribed = await ask(a, { action: 'subscribe', channel: 'recommendations' }, 'system.subscribed');
  assert.deepEqual(dataOf(subscribed, 'system.subscribed'), {
    channel: 'recommendations',
    subscriber_count: 1,
  });
  const second = await ask(b, { action: 'subscribe', channel: 'recommendations' }, 'system.subscribed');
  assert.deepEqual(second.data, { channel: 'recommendations', subscriber_count: 2 });
  const again = await ask(a, { action: 'subscribe', channel: 'recommendations' }, 'system.subscribed');
  assert.deepEqual(again.data, { channel: 'recommendations', subscriber_count: 2 }, 'idempotent');
  const jobs = await ask(b, { action: 'subscribe', channel: 'jobs' }, 'system.subscribed');
  assert.deepEqual(jobs.data, { channel: 'jobs', subscriber_count: 2 }, 'a counts its query channels');

  const list = await ask(a, { action: 'list_channels' }, 'system.channels');
  assert.deepEqual(dataOf(list, 'system.channels').channels, [
    'jobs',
    'applications',
    'interviews',
    'recommendations',
  ]);

  const unsubscribed = await ask(
    a,
    { action: 'unsubscribe', channel: 'recommendations' },
    'system.unsubscribed',
  );
  assert.deepEqual(dataOf(unsubscribed, 'system.unsubscribed'), { channel: 'recommendations' });
  const after = await ask(a, { action: 'list_channels' }, 'system.channels');
  assert.deepEqual((after.data as { channels: string[] }).channels, ['jobs', 'applications', 'interviews']);
  const notSubscribed = await ask(a, { action: 'unsubscribe', channel: 'skills' }, 'system.unsubscribed');
  assert.deepEqual(notSubscribed.data, { channel: 'skills' }, 'unsubscribing twice is harmless');

  // A closed connection no longer counts.
  a.ws.close();
  await a.closed;
  await sleep(50);
  const c = await connect(t, `${wsUrl}${PATH}`);
  const count = await ask(c, { action: 'subscribe', channel: 'jobs' }, 'system.subscribed');
  assert.deepEqual(count.data, { channel: 'jobs', subscriber_count: 2 }, 'b and c');
  const recs = await ask(c, { action: 'subscribe', channel: 'recommendations' }, 'system.subscribed');
  assert.deepEqual(recs.data, { channel: 'recommendations', subscriber_count: 2 }, 'b and c');
});

test('pong is accepted silently; ping gets a flat system.pong; get_stats gets system.stats', async (t) => {
  const { wsUrl } = await startServer(t);
  const client = await connect(t, `${wsUrl}${PATH}?user_id=dev&channels=jobs,skills`);
  await connect(t, `${wsUrl}${PATH}?user_id=dev&channels=jobs`);
  await connect(t, `${wsUrl}${PATH}?channels=system`);

  client.send({ action: 'pong' });
  client.send({ action: 'pong' });
  const list = await ask(client, { action: 'list_channels' }, 'system.channels');
  assert.deepEqual(
    client.received.slice(1).map((m) => m.type),
    ['system.channels'],
    'no reply to pong, no error',
  );
  assert.deepEqual((list.data as { channels: string[] }).channels, ['jobs', 'skills']);

  const pong = await ask(client, { action: 'ping' }, 'system.pong');
  assert.deepEqual(Object.keys(pong).sort(), ['timestamp', 'type']);
  assert.match(String(pong.timestamp), UTC);
  ChannelsControlMessage.parse(pong);

  const stats = dataOf(await ask(client, { action: 'get_stats' }, 'system.stats'), 'system.stats');
  const welcome = client.received[0]!.data as { connection_id: string };
  assert.deepEqual(stats, {
    connection_id: welcome.connection_id,
    user_id: 'dev',
    subscribed_channels: ['jobs', 'skills'],
    total_connections: 3,
    total_users: 1,
    channel_subscribers: {
      jobs: 2,
      applications: 0,
      recommendations: 0,
      skills: 1,
      followups: 0,
      interviews: 0,
      system: 1,
    },
  });
});

test('errors are system.error messages and the socket stays open', async (t) => {
  const { wsUrl } = await startServer(t);
  const client = await connect(t, `${wsUrl}${PATH}?channels=jobs,bogus,applications`);
  const welcome = client.received[0]!;
  assert.deepEqual((welcome.data as { channels: string[] }).channels, ['jobs', 'applications']);
  const unknownInQuery = await client.next('system.error');
  assert.match(String(unknownInQuery.message), /^Unknown channel: bogus\. Available channels: jobs, /);

  const cases: [unknown, string][] = [
    ['{not json', 'Invalid JSON'],
    [{ action: 'dance' }, 'Unknown action: dance'],
    [{ type: 'ping' }, "Missing 'action' field"],
    [[1, 2], 'A message must be a JSON object'],
    ['"subscribe"', 'A message must be a JSON object'],
    [{ action: 'subscribe' }, "Missing 'channel' field"],
    [{ action: 'unsubscribe', channel: 7 }, "Invalid 'channel' field: expected a string"],
    [
      { action: 'subscribe', channel: 'nope' },
      `Unknown channel: nope. Available channels: ${CHANNELS.join(', ')}`,
    ],
    [
      { action: 'unsubscribe', channel: 'nope' },
      `Unknown channel: nope. Available channels: ${CHANNELS.join(', ')}`,
    ],
  ];
  for (const [message, expected] of cases) {
    const error = await ask(client, message, 'system.error');
    ChannelsControlMessage.parse(error);
    assert.deepEqual(
      { ...error, timestamp: undefined },
      { type: 'system.error', message: expected, data: { message: expected }, timestamp: undefined },
    );
    assert.match(String(error.timestamp), UTC);
  }
  const list = await ask(client, { action: 'list_channels' }, 'system.channels');
  assert.deepEqual((list.data as { channels: string[] }).channels, ['jobs', 'applications'], 'still open');
});

test('too many messages get a system.error, a flood closes with 1008', async (t) => {
  const { wsUrl } = await startServer(t, { RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '3' });
  const client = await connect(t, `${wsUrl}${PATH}`);
  for (let i = 0; i < 4; i++) client.send({ action: 'pong' });
  const error = await client.next('system.error');
  assert.equal(error.message, 'Too many messages: slow down');
  for (let i = 0; i < 10; i++) client.send({ action: 'pong' });
  assert.equal((await client.closed).code, CloseCode.policy);
});

test('system.ping every heartbeat interval; clients answering pong stay connected', async (t) => {
  const { wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const client = await connect(t, `${wsUrl}${PATH}?channels=jobs`);
  const quiet = await connect(t, `${wsUrl}${PATH}`);
  client.ws.on('message', (raw: Buffer) => {
    if ((JSON.parse(raw.toString()) as Message).type === 'system.ping') client.send({ action: 'pong' });
  });
  await sleep(450);
  const pings = client.received.filter((m) => m.type === 'system.ping');
  assert.ok(pings.length >= 2, `${pings.length} pings in 450 ms`);
  for (const ping of pings) {
    const data = dataOf(ping, 'system.ping');
    assert.deepEqual(data, { timestamp: ping.timestamp });
  }
  assert.ok(
    quiet.received.some((m) => m.type === 'system.ping'),
    'every connection, whatever its channels',
  );
  assert.deepEqual(
    client.received.filter((m) => m.type === 'system.error'),
    [],
    'pong never produces an error',
  );
  assert.equal(client.ws.readyState, client.ws.OPEN);
});

test('credentials: user_id must match the token; it defaults to the token user', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [ada, bo] = await Promise.all([signUp(url, 'Ada', 'job_seeker'), signUp(url, 'Bo', 'job_seeker')]);

  const own = await connect(t, `${wsUrl}${PATH}?token=${ada.token}`);
  assert.equal((own.received[0]!.data as { user_id: string }).user_id, ada.id);
  const matching = await connect(t, `${wsUrl}${PATH}?user_id=${ada.id}&token=${ada.token}`);
  assert.equal((matching.received[0]!.data as { user_id: string }).user_id, ada.id);
  const header = await connect(t, `${wsUrl}${PATH}?user_id=${ada.id}`, {
    headers: { authorization: `Bearer ${ada.token}` },
  });
  assert.equal((header.received[0]!.data as { user_id: string }).user_id, ada.id);

  const other = new TestClient(`${wsUrl}${PATH}?user_id=${bo.id}&token=${ada.token}`);
  t.after(() => other.ws.terminate());
  const closed = await other.closed;
  assert.equal(closed.code, CloseCode.authFailed);
  assert.equal(closed.reason, 'user_id does not match the credentials');
  assert.deepEqual(other.received, [], 'no welcome before the close');

  const garbage = new TestClient(`${wsUrl}${PATH}?token=not-a-token`);
  t.after(() => garbage.ws.terminate());
  assert.equal((await garbage.closed).code, CloseCode.malformedToken);
});

test('AUTH_REQUIRED: no credentials, close 4001', async (t) => {
  const { url, wsUrl } = await startServer(t, { AUTH_REQUIRED: 'true' });
  const anonymous = new TestClient(`${wsUrl}${PATH}?user_id=user123`);
  t.after(() => anonymous.ws.terminate());
  assert.equal((await anonymous.closed).code, CloseCode.authFailed);
  const ada = await signUp(url, 'Ada', 'job_seeker');
  const client = await connect(t, `${wsUrl}${PATH}?token=${ada.token}&channels=jobs`);
  assert.deepEqual((client.received[0]!.data as { channels: string[] }).channels, ['jobs']);
});
