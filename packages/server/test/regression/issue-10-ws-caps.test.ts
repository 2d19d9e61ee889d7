import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUp } from '../helpers/api.js';
import { clientFrame, RawWs } from '../helpers/raw-ws.js';
import { startServer } from '../helpers/server.js';

// Issue #10: per-connection state grew without bound (the /ws/notifications/ subscribe and unsubscribe
// lists grew 78 MB in 40 s from 4 connections under the rate limit). Every such collection has a cap;
// past it the client gets the dialect's error and the socket stays open. The rate limit is raised
// here, so that the caps (not the limiter) are what stops the client.

const fast = { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };
type Message = Record<string, unknown>;
const parsed = (client: RawWs): Message[] => client.texts().map((text) => JSON.parse(text) as Message);
const batch = (messages: unknown[]): Buffer =>
  Buffer.concat(messages.map((m) => clientFrame(JSON.stringify(m))));

test('/ws/notifications/: 10,000 distinct types leave the filter at its cap of 100, with an error', async (t) => {
  const { url } = await startServer(t, fast);
  const seeker = await signUp(url, 'Ada', 'job_seeker');
  const client = await RawWs.open(Number(new URL(url).port), `/ws/notifications/?token=${seeker.token}`);
  t.after(() => client.socket.destroy());
  const types = (from: number) => Array.from({ length: 100 }, (_, i) => `type_${from + i}`);
  const messages = [];
  for (let i = 0; i < 10_000; i += 100) {
    messages.push({ type: i % 200 === 0 ? 'subscribe' : 'unsubscribe', notification_types: types(i) });
  }
  // Types already named may still be moved between the lists: the cap is on how many are named.
  messages.push({ type: 'unsubscribe', notification_types: ['type_0', 'type_1'] });
  messages.push({ type: 'subscribe', notification_types: ['type_0'] });
  messages.push({ type: 'ping', timestamp: 'done' });
  client.write(batch(messages));
  assert.ok(await client.until(() => parsed(client).some((m) => m.type === 'pong')));
  const answers = parsed(client).filter((m) => m.type !== 'connection_established');
  assert.deepEqual(
    answers.map((m) => m.type),
    [
      'subscription_confirmed',
      ...Array<string>(99).fill('error'),
      'unsubscription_confirmed',
      'subscription_confirmed',
      'pong',
    ],
  );
  assert.equal(
    answers[1]?.message,
    'Too many notification types: at most 100 per connection, subscribed and unsubscribed together',
  );
});

test('/ws: a pipelined burst of 1,100 subscribes to distinct topics stops at 1,000', async (t) => {
  const { url } = await startServer(t, fast);
  const client = await RawWs.open(Number(new URL(url).port), '/ws');
  t.after(() => client.socket.destroy());
  client.write(batch(Array.from({ length: 1100 }, (_, i) => ({ type: 'subscribe', topic: `cap-${i}` }))));
  const answered = () => parsed(client).filter((m) => m.type === 'subscribed' || m.type === 'error');
  assert.ok(await client.until(() => answered().length === 1100));
  const subscribed = answered().filter((m) => m.type === 'subscribed').length;
  const refused = answered().filter((m) => m.code === 'too_many_subscriptions').length;
  assert.deepEqual({ subscribed, refused }, { subscribed: 1000, refused: 100 });
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as { subscriptions: number };
  assert.equal(stats.subscriptions, 1000, 'the hub holds no more than the cap either');
});

test('/api/v1/ws?channels= with 2,000 unknown names: one error for the excess, the connection stays', async (t) => {
  const { url } = await startServer(t, fast);
  const names = Array.from({ length: 2000 }, (_, i) => `x${i}`).join(',');
  const client = await RawWs.open(Number(new URL(url).port), `/api/v1/ws?channels=jobs,${names}`);
  t.after(() => client.socket.destroy());
  client.write(clientFrame('{"action":"list_channels"}'));
  assert.ok(await client.until(() => parsed(client).some((m) => m.type === 'system.channels')));
  const errors = parsed(client).filter((m) => m.type === 'system.error');
  assert.equal(errors.length, 1 + 31, 'the excess, then each unknown name among the first 32');
  assert.match(String(errors[0]?.message), /^Too many channels: at most 32 names/);
  const list = parsed(client).find((m) => m.type === 'system.channels');
  assert.deepEqual((list?.data as { channels: string[] }).channels, ['jobs']);
});
