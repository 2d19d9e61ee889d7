import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { CloseCode } from '@jobstream/protocol';
import { createTokenService } from '../src/auth/tokens.js';
import { api, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

/** spec/notifications.md: timestamps end in +00:00 (the original's Python isoformat). */
const offsetTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;

/** A notifications client, once `connection_established` has arrived. */
async function connect(
  t: TestContext,
  url: string,
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const client = new TestClient(url, { headers });
  t.after(() => client.ws.terminate());
  await client.next('connection_established');
  return client;
}

/** The close code a connection attempt ends with. */
async function closeCodeOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  const client = new TestClient(url, { headers });
  return (await client.closed).code;
}

/** Sends a message and returns the next message of `type`. */
async function ask(client: TestClient, message: unknown, type: string): Promise<Message> {
  const answer = client.upcoming(type);
  client.send(message);
  return answer;
}

async function sessionCookie(url: string, email: string): Promise<string> {
  const login = await api(url)('POST', '/api/v1/auth/login', { email, password: 'password-123' });
  const cookie = login.headers.getSetCookie()[0]!;
  return cookie.split(';')[0]!;
}

describe('/ws/notifications/: connecting', () => {
  test('with ?token=, with and without the trailing slash: connection_established', async (t) => {
    const { url, wsUrl } = await startServer(t);
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    for (const path of ['/ws/notifications/', '/ws/notifications']) {
      const client = await connect(t, `${wsUrl}${path}?token=${seeker.token}`);
      const welcome = client.received[0]!;
      // The document's fields, and the inbox's unread count (a field documented clients ignore).
      assert.deepEqual(Object.keys(welcome).sort(), [
        'timestamp',
        'type',
        'unread_count',
        'user_id',
        'user_type',
      ]);
      assert.equal(welcome.unread_count, 0);
      assert.equal(welcome.type, 'connection_established');
      assert.equal(welcome.user_id, seeker.id);
      assert.equal(welcome.user_type, 'job_seeker');
      assert.match(String(welcome.timestamp), offsetTime);
    }
  });

  test('with the session cookie (the fallback)', async (t) => {
    const { url, wsUrl } = await startServer(t);
    const recruiter = await signUp(url, 'Rita', 'recruiter');
    const cookie = await sessionCookie(url, recruiter.email);
    const client = await connect(t, `${wsUrl}/ws/notifications/`, { cookie });
    assert.equal(client.received[0]!.user_id, recruiter.id);
    assert.equal(client.received[0]!.user_type, 'recruiter');
  });

  test('close codes: 4001 without credentials, 4003 malformed token, 4004 expired token', async (t) => {
    const { url, wsUrl, server } = await startServer(t);
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const endpoint = `${wsUrl}/ws/notifications/`;
    assert.equal(await closeCodeOf(endpoint), CloseCode.authFailed);
    assert.equal(await closeCodeOf(`${endpoint}?token=not-a-jwt`), CloseCode.malformedToken);
    const lapsed = await createTokenService({ dataDir: server.store.dataDir, ttlSeconds: -60 });
    const expired = (await lapsed.sign({ id: seeker.id, role: 'job_seeker' })).token;
    assert.equal(await closeCodeOf(`${endpoint}?token=${expired}`), CloseCode.tokenExpired);
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(seeker.id)
      .setIssuer('jobstream')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not the server secret, not at all'));
    assert.equal(
      await closeCodeOf(endpoint, { cookie: `jobstream_session=${forged}` }),
      CloseCode.authFailed,
      'a session cookie that is no token of ours',
    );
    // Refused connections leave nothing behind.
    for (let i = 0; i < 50 && server.registry.size > 0; i++) await sleep(10);
    assert.equal(server.registry.size, 0);
  });

  test('Origin: any with a token, but a session cookie only from the server itself (CORS *)', async (t) => {
    const { url, wsUrl } = await startServer(t);
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const cookie = await sessionCookie(url, seeker.email);
    const endpoint = `${wsUrl}/ws/notifications/`;
    await connect(t, `${endpoint}?token=${seeker.token}`, { origin: 'http://localhost:3000' });
    await connect(t, endpoint, { cookie, origin: url });
    await connect(t, endpoint, { cookie }); // not a browser
    assert.equal(
      await closeCodeOf(endpoint, { cookie, origin: 'http://evil.example' }),
      CloseCode.policy,
      'another site riding on the session cookie',
    );
  });

  test('Origin: only the listed ones (CORS_ORIGINS)', async (t) => {
    const { url, wsUrl } = await startServer(t, { CORS_ORIGINS: 'http://app.example' });
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const cookie = await sessionCookie(url, seeker.email);
    const endpoint = `${wsUrl}/ws/notifications/`;
    await connect(t, endpoint, { cookie, origin: 'http://app.example' });
    await connect(t, `${endpoint}?token=${seeker.token}`, { origin: 'http://app.example' });
    await connect(t, `${endpoint}?token=${seeker.token}`);
    assert.equal(
      await closeCodeOf(`${endpoint}?token=${seeker.token}`, { origin: 'http://evil.example' }),
      CloseCode.policy,
    );
  });
});

describe('/ws/notifications/: client messages', () => {
  test('ping, pong, subscribe, unsubscribe and errors, the socket staying open', async (t) => {
    const { url, wsUrl } = await startServer(t);
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const client = await connect(t, `${wsUrl}/ws/notifications/?token=${seeker.token}`);

    // The document's ping: its timestamp comes back.
    const echoed = await ask(client, { type: 'ping', timestamp: '2024-01-01T00:00:00Z' }, 'pong');
    assert.deepEqual(echoed, { type: 'pong', timestamp: '2024-01-01T00:00:00Z' });
    const plain = await ask(client, { type: 'ping' }, 'pong');
    assert.deepEqual(Object.keys(plain).sort(), ['timestamp', 'type']);
    assert.match(String(plain.timestamp), offsetTime);
    // A message without a type counts as a ping.
    assert.equal((await ask(client, {}, 'pong')).type, 'pong');
    assert.equal((await ask(client, { timestamp: 'x' }, 'pong')).timestamp, 'x');

    const subscribed = await ask(
      client,
      { type: 'subscribe', notification_types: ['job_posted', 'match_score_calculated'] },
      'subscription_confirmed',
    );
    assert.deepEqual(Object.keys(subscribed).sort(), ['notification_types', 'timestamp', 'type']);
    assert.deepEqual(subscribed.notification_types, ['job_posted', 'match_score_calculated']);
    assert.match(String(subscribed.timestamp), offsetTime);
    const unsubscribed = await ask(
      client,
      { type: 'unsubscribe', notification_types: ['job_posted'] },
      'unsubscription_confirmed',
    );
    assert.deepEqual(unsubscribed.notification_types, ['job_posted']);
    assert.match(String(unsubscribed.timestamp), offsetTime);

    const errors: [unknown, string][] = [
      ['{not json', 'Invalid JSON format'],
      [{ type: 'dance' }, 'Unknown message type: dance'],
      [{ type: 42 }, 'Unknown message type: 42'],
      [{ type: 'subscribe' }, 'Missing required field: notification_types'],
      [{ type: 'unsubscribe' }, 'Missing required field: notification_types'],
    ];
    for (const [message, expected] of errors) {
      const error = await ask(client, message, 'error');
      assert.deepEqual(Object.keys(error).sort(), ['message', 'timestamp', 'type']);
      assert.equal(error.message, expected);
      assert.match(String(error.timestamp), offsetTime);
    }
    for (const bad of [{ notification_types: 'job_posted' }, { notification_types: [1, 2] }, []]) {
      const message = Array.isArray(bad) ? bad : { type: 'subscribe', ...bad };
      const error = await ask(client, message, 'error');
      assert.equal(typeof error.message, 'string');
    }
    assert.equal((await ask(client, { type: 'ping' }, 'pong')).type, 'pong');
    assert.equal(client.ws.readyState, WebSocket.OPEN);
  });

  test('messages sent before connection_established are answered after it, in order', async (t) => {
    const { url, wsUrl } = await startServer(t);
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const client = new TestClient(`${wsUrl}/ws/notifications/?token=${seeker.token}`);
    t.after(() => client.ws.terminate());
    client.ws.on('open', () => {
      client.send({ type: 'ping', timestamp: 'early' });
      client.send({ type: 'subscribe', notification_types: ['notification'] });
    });
    await client.next('subscription_confirmed');
    assert.deepEqual(
      client.received.map((m) => m.type),
      ['connection_established', 'pong', 'subscription_confirmed'],
    );
  });

  test('too many messages get an error, not a close', async (t) => {
    const { url, wsUrl } = await startServer(t, { RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '3' });
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const client = await connect(t, `${wsUrl}/ws/notifications/?token=${seeker.token}`);
    const limited = client.upcoming('error');
    for (let i = 0; i < 4; i++) client.send({ type: 'ping' });
    assert.match(String((await limited).message), /rate limit/i);
    assert.equal(client.ws.readyState, WebSocket.OPEN);
  });
});

describe('/ws/notifications/: heartbeat', () => {
  test('a ping frame each interval and no message; a silent peer is dropped', async (t) => {
    const { url, wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
    const seeker = await signUp(url, 'Ada', 'job_seeker');
    const endpoint = `${wsUrl}/ws/notifications/?token=${seeker.token}`;
    const alive = await connect(t, endpoint);
    let pings = 0;
    alive.ws.on('ping', () => pings++);

    const silent = new TestClient(endpoint, { autoPong: false });
    t.after(() => silent.ws.terminate());
    await silent.next('connection_established');

    await sleep(450);
    assert.ok(pings >= 2, `${pings} ping frames`);
    assert.deepEqual(
      alive.received.map((m) => m.type),
      ['connection_established'],
      'the heartbeat is no message',
    );
    const closed = await Promise.race([silent.closed, sleep(2000).then(() => null)]);
    assert.ok(closed, 'the silent peer was dropped');
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
  });
});
