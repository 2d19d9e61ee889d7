import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import webpush from 'web-push';
import { createLogger } from '../src/logger.js';
import { EndpointPolicy } from '../src/push/endpoint-policy.js';
import { PushSender } from '../src/push/push-sender.js';
import { pushDb } from '../src/push/push-tables.js';
import { VAPID_FILE } from '../src/push/vapid-keys.js';
import { api, signUp, watcher, type TestUser } from './helpers/api.js';
import { startPushService, testBrowser } from './helpers/push-service.js';
import { startServer, testDatabaseUrl, type TestServer } from './helpers/server.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { storeBackends } from './helpers/store-backends.js';
import { sleep } from './helpers/ws-client.js';

/** The push stub is on loopback over plain http: PUSH_ALLOW_PRIVATE lets exactly it through. */
const pushEnv = { PUSH_ALLOW_PRIVATE: '127.0.0.1', SCHEDULER_TICK_MS: '100' };

async function subscribe(user: TestUser, subscription: unknown): Promise<void> {
  const stored = await user.call('POST', '/api/v1/push/subscriptions', subscription);
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
}

/** A follow-up due within the hour: the scheduler's next tick sends `followup.due` for it. */
async function followupDue(user: TestUser, company = 'Google'): Promise<number> {
  const posting = await user.call<{ id: number }>('POST', '/api/v1/jobs', {
    company,
    job_title: 'Staff Engineer',
  });
  assert.equal(posting.status, 201, JSON.stringify(posting.body));
  const made = await user.call<{ followup_id: number }>('POST', '/api/v1/followups', {
    posting_id: posting.body.id,
    scheduled_date: new Date(Date.now() + 30 * 60_000).toISOString(),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.followup_id;
}

async function subscriptionCount(server: TestServer, userId: string): Promise<number> {
  const rows = await pushDb(server.server.store.db)
    .selectFrom('push_subscriptions')
    .select('endpoint')
    .where('user_id', '=', userId)
    .execute();
  return rows.length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function setUp(t: TestContext, env: Record<string, string> = {}) {
  const service = await startPushService(t);
  const server = await startServer(t, { ...pushEnv, ...env });
  return { service, server };
}

test('a follow-up due is pushed, signed with VAPID and encrypted aes128gcm, to a user with no live connection', async (t) => {
  const { service, server } = await setUp(t, { VAPID_SUBJECT: 'mailto:ops@example.test' });
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const key = await api(server.url)<{ public_key: string }>('GET', '/api/v1/push/public-key');
  assert.equal(key.status, 200);
  const laptop = service.browser('ada-laptop');
  const phone = service.browser('ada-phone');
  await subscribe(ada, laptop.subscription);
  await subscribe(ada, { ...phone.subscription, expirationTime: null });

  const followupId = await followupDue(ada);
  const pushes = await service.pushes(2);
  assert.deepEqual(service.problems, []);
  assert.deepEqual(pushes.map((p) => p.path).sort(), ['/push/ada-laptop', '/push/ada-phone']);
  for (const push of pushes) {
    assert.equal(push.vapidKey, key.body.public_key, 'signed with the key browsers subscribed with');
    assert.equal(push.claims.aud, service.origin);
    assert.equal(push.claims.sub, 'mailto:ops@example.test');
    const payload = push.payload as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload).sort(), ['body', 'id', 'kind', 'title', 'url']);
    assert.equal(payload.kind, 'followup.due');
    assert.equal(payload.title, 'Follow-up due');
    assert.match(String(payload.body), /Google/);
    assert.equal(payload.url, '/#/agenda');
    assert.match(String(payload.id), /^outbox:\d+$/);
  }
  // One event, one id on every device: the service worker's tag.
  assert.equal((pushes[0]?.payload as { id: string }).id, (pushes[1]?.payload as { id: string }).id);
  assert.ok(followupId > 0);
});

test('nothing is pushed while the user has a live connection', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  await subscribe(ada, service.browser('ada').subscription);
  const live = await watcher(t, server.wsUrl, ada.token, [`user:${ada.id}`]);
  await followupDue(ada);
  await live.next('event', (m) => m.event === 'followup.due');
  await sleep(500);
  assert.equal(service.received.length, 0, 'no push while connected');

  // Once the socket is gone, the next one is pushed.
  live.ws.close();
  await live.closed;
  await sleep(100);
  await followupDue(ada, 'Stripe');
  const [push] = await service.pushes(1);
  assert.match(String((push?.payload as { body: string }).body), /Stripe/);
});

test('an offer is pushed to the applicant only; other status changes and non-urgent events are not pushed', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  await subscribe(ada, service.browser('ada').subscription);
  await subscribe(rita, service.browser('rita').subscription);
  const posting = await rita.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'SRE',
  });
  const application = await ada.call<{ id: number }>('POST', '/api/v1/applications', {
    posting_id: posting.body.id,
  });
  assert.equal(application.status, 201);
  const move = async (status: string) => {
    const moved = await rita.call('PATCH', `/api/v1/applications/${application.body.id}/status`, { status });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
  };
  await move('reviewing');
  await move('interviewing');
  const interview = await ada.call('POST', '/api/v1/interviews', {
    application_id: application.body.id,
    scheduled_date: new Date(Date.now() + 3 * 24 * 3_600_000).toISOString(),
  });
  assert.equal(interview.status, 201);
  await move('offer_received');

  const [push] = await service.pushes(1);
  await sleep(500);
  assert.equal(service.received.length, 1, 'only the offer, and only to the applicant');
  assert.equal(push?.path, '/push/ada');
  assert.deepEqual(
    { kind: (push?.payload as { kind: string }).kind, title: (push?.payload as { title: string }).title },
    { kind: 'application.status_changed', title: 'Offer received' },
  );
});

test('an interview starting soon is pushed as its reminder', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  await subscribe(ada, service.browser('ada').subscription);
  const posting = await ada.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Initech',
    job_title: 'Dev',
  });
  const application = await ada.call<{ id: number }>('POST', '/api/v1/applications', {
    posting_id: posting.body.id,
  });
  await ada.call('POST', '/api/v1/interviews', {
    application_id: application.body.id,
    interview_type: 'technical',
    scheduled_date: new Date(Date.now() + 10 * 60_000).toISOString(),
  });
  const [push] = await service.pushes(1);
  const payload = push?.payload as { kind: string; title: string; body: string };
  assert.equal(payload.kind, 'interview.reminder');
  assert.match(payload.title, /^Interview in \d+ minutes$/);
  assert.match(payload.body, /technical with Initech/);
});

test('a push service answering 410 removes the subscription; the others keep theirs', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  await subscribe(ada, service.browser('old').subscription);
  await subscribe(ada, service.browser('new').subscription);
  service.answer('old', 410);
  await followupDue(ada);
  await service.pushes(2);
  await until(
    'the expired subscription removed',
    async () => (await subscriptionCount(server, ada.id)) === 1,
  );
  const gone = await ada.call('DELETE', '/api/v1/push/subscriptions', {
    endpoint: `${service.origin}/push/old`,
  });
  assert.equal(gone.status, 404);
  await followupDue(ada, 'Stripe');
  await service.pushes(3);
  await sleep(300);
  assert.deepEqual(
    service.received.slice(2).map((p) => p.path),
    ['/push/new'],
  );
});

test('a push the push service answers 503 to is tried again, and a 400 is not', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  await subscribe(ada, service.browser('busy').subscription);
  await subscribe(ada, service.browser('picky').subscription);
  service.answer('busy', 503, 201);
  service.answer('picky', 400);
  await followupDue(ada);
  const pushes = await service.pushes(3);
  await sleep(1500);
  const byPath = (path: string) => service.received.filter((p) => p.path === path);
  assert.equal(byPath('/push/busy').length, 2, 'the 503 tried again, then delivered');
  assert.equal(byPath('/push/picky').length, 1, 'a 400 is not tried again');
  const ids = new Set(pushes.map((p) => (p.payload as { id: string }).id));
  assert.equal(ids.size, 1, 'the same push each time');
  assert.equal(await subscriptionCount(server, ada.id), 2, 'neither subscription removed');
});

test('the sender: a push service that never answers is timed out and tried a bounded number of times; its queue is bounded', async (t) => {
  const service = await startPushService(t);
  const browser = service.browser('hangs');
  service.answer('hangs', 0);
  const expired: string[] = [];
  const sender = new PushSender({
    keys: webpush.generateVAPIDKeys(),
    subject: 'mailto:ops@example.test',
    policy: new EndpointPolicy(['127.0.0.1']),
    expire: (endpoint) => Promise.resolve(void expired.push(endpoint)),
    logger: createLogger('silent'),
    timeoutMs: 200,
    maxAttempts: 2,
    retryBaseMs: 50,
    concurrency: 1,
    maxQueue: 2,
  });
  t.after(() => sender.stop());
  const subscription = { ...browser.subscription.keys, endpoint: browser.subscription.endpoint, userId: 'u' };
  const started = Date.now();
  for (let i = 0; i < 4; i++) sender.send(subscription, JSON.stringify({ title: `push ${i}` }));
  // One in flight, two waiting: the fourth finds the queue full.
  assert.equal(sender.dropped, 1);
  await until('every push given up', () => Promise.resolve(sender.dropped === 4), 8000);
  assert.equal(service.received.length, 6, 'three pushes, each tried twice');
  assert.ok(Date.now() - started >= 6 * 200, 'each try waited out its timeout');
  assert.equal(sender.sent, 0);
  assert.deepEqual(expired, [], 'a timeout does not remove the subscription');
});

test('subscriptions: signed-in users only, validated, bounded per user, deleted by endpoint', async (t) => {
  const { service, server } = await setUp(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const bob = await signUp(server.url, 'Bob', 'job_seeker');
  const browser = service.browser('ada');

  const anonymous = await api(server.url)('POST', '/api/v1/push/subscriptions', browser.subscription);
  assert.equal(anonymous.status, 401);

  const bad: [string, unknown][] = [
    ['no keys', { endpoint: browser.subscription.endpoint }],
    ['not a URL', { ...browser.subscription, endpoint: 'not a url' }],
    ['ftp', { ...browser.subscription, endpoint: 'ftp://127.0.0.1/x' }],
    ['short auth', { ...browser.subscription, keys: { ...browser.subscription.keys, auth: 'AAAA' } }],
    [
      'bad p256dh',
      { ...browser.subscription, keys: { ...browser.subscription.keys, p256dh: 'x'.repeat(87) } },
    ],
    ['not base64url', { ...browser.subscription, keys: { ...browser.subscription.keys, auth: '!!!!' } }],
    ['an array', [browser.subscription]],
  ];
  for (const [why, body] of bad) {
    const answer = await ada.call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/v1/push/subscriptions',
      body,
    );
    assert.equal(answer.status, 400, why);
    assert.equal(answer.body.error.code, 'invalid_message', why);
    assert.equal(typeof answer.body.error.message, 'string', why);
  }
  const malformed = await fetch(`${server.url}/api/v1/push/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.token}` },
    body: '{"endpoint":',
  });
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'invalid_json');

  // A user keeps at most 10: the 11th replaces the oldest.
  for (let i = 0; i < 11; i++) {
    await subscribe(ada, testBrowser(`${service.origin}/push/many-${i}`).subscription);
    await sleep(2);
  }
  assert.equal(await subscriptionCount(server, ada.id), 10);

  // Only its owner deletes a subscription.
  const endpoint = `${service.origin}/push/many-10`;
  assert.equal((await bob.call('DELETE', '/api/v1/push/subscriptions', { endpoint })).status, 404);
  assert.equal((await ada.call('DELETE', '/api/v1/push/subscriptions', { endpoint })).status, 204);
  assert.equal((await ada.call('DELETE', '/api/v1/push/subscriptions', { endpoint })).status, 404);
  assert.equal(await subscriptionCount(server, ada.id), 9);
});

test('endpoints on private addresses or plain http are refused unless PUSH_ALLOW_PRIVATE allows them', async (t) => {
  const server = await startServer(t);
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const keys = testBrowser('https://push.example/x').subscription.keys;
  for (const endpoint of [
    'https://127.0.0.1/push/x',
    'https://localhost/push/x',
    'https://10.1.2.3/push/x',
    'https://169.254.169.254/latest',
    'https://[::1]/push/x',
    'https://[::ffff:192.168.0.1]/push/x',
    'http://fcm.googleapis.com/fcm/send/x',
  ]) {
    const answer = await ada.call<{ error: { code: string; message: string; fields?: { path: string }[] } }>(
      'POST',
      '/api/v1/push/subscriptions',
      { endpoint, keys },
    );
    assert.equal(answer.status, 400, endpoint);
    assert.equal(answer.body.error.code, 'invalid_message', endpoint);
    assert.match(answer.body.error.message, /PUSH_ALLOW_PRIVATE/, endpoint);
    assert.equal(answer.body.error.fields?.[0]?.path, 'endpoint');
  }
  const publicOne = await ada.call('POST', '/api/v1/push/subscriptions', {
    endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
    keys,
  });
  assert.equal(publicOne.status, 201);
});

test('the VAPID keys are generated once, kept in the data folder (0600) across a restart, or taken from the settings', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const first = await startServer(t, { DATABASE_URL: databaseUrl });
  const before = await api(first.url)<{ public_key: string }>('GET', '/api/v1/push/public-key');
  assert.equal(Buffer.from(before.body.public_key, 'base64url').length, 65);
  const file = join(first.server.store.dataDir, VAPID_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  await first.server.close();

  const second = await startServer(t, { DATABASE_URL: databaseUrl });
  const after = await api(second.url)<{ public_key: string }>('GET', '/api/v1/push/public-key');
  assert.equal(after.body.public_key, before.body.public_key);

  const configured = webpush.generateVAPIDKeys();
  const third = await startServer(t, {
    VAPID_PUBLIC_KEY: configured.publicKey,
    VAPID_PRIVATE_KEY: configured.privateKey,
  });
  const given = await api(third.url)<{ public_key: string }>('GET', '/api/v1/push/public-key');
  assert.equal(given.body.public_key, configured.publicKey);
});

const redisUnreachable = await redisSkip();

for (const backend of (await storeBackends()).filter((b) => b.name === 'postgres')) {
  test(
    'on PostgreSQL, nodes starting at once share one generated VAPID key pair, kept across restarts',
    { skip: backend.skip },
    async (t) => {
      const database = await backend.database(t);
      const env = { DATABASE_URL: database.url };
      const [a, b] = await Promise.all([startServer(t, env), startServer(t, env)]);
      const keyOf = async (server: TestServer) =>
        (await api(server.url)<{ public_key: string }>('GET', '/api/v1/push/public-key')).body.public_key;
      const key = await keyOf(a);
      assert.equal(await keyOf(b), key);
      await Promise.all([a.server.close(), b.server.close()]);
      const again = await startServer(t, env);
      assert.equal(await keyOf(again), key);
    },
  );

  test(
    'in a cluster, a user connected to another node only is not pushed to; once gone everywhere, they are',
    { skip: backend.skip ?? redisUnreachable },
    async (t) => {
      const servers: TestServer[] = [];
      // Registered before the database's own hook: the nodes stop before their schema goes.
      t.after(() => Promise.all(servers.map((s) => s.server.close())));
      const database = await backend.database(t);
      const service = await startPushService(t);
      const env = {
        ...pushEnv,
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix(t),
        JWT_SECRET: 'cluster-secret-0123456789abcdef',
      };
      servers.push(await startServer(t, env));
      servers.push(await startServer(t, env));
      const [a, b] = servers as [TestServer, TestServer];
      const ada = await signUp(a.url, 'Ada', 'job_seeker');
      await subscribe(ada, service.browser('ada').subscription);

      const live = await watcher(t, b.wsUrl, ada.token, [`user:${ada.id}`]);
      // Node A has no reader of Ada's topic, yet knows (through Redis) that node B has one.
      assert.equal(a.server.hub.localSubscribers(`user:${ada.id}`), 0);
      assert.equal(await a.server.hub.readAnywhere(`user:${ada.id}`), true);
      await followupDue(ada);
      await live.next('event', (m) => m.event === 'followup.due');
      await sleep(500);
      assert.equal(service.received.length, 0, 'no push while connected to node B');

      live.ws.close();
      await live.closed;
      await until('B lets go of the topic', async () => !(await a.server.hub.readAnywhere(`user:${ada.id}`)));
      await followupDue(ada, 'Stripe');
      const [push] = await service.pushes(1);
      assert.match(String((push?.payload as { body: string }).body), /Stripe/);
    },
  );
}
