import assert from 'node:assert/strict';
import test from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../src/config.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { startServer } from './helpers/server.js';
import { publish, TestClient } from './helpers/ws-client.js';

const redisUnreachable = await redisSkip();

test('REDIS_HOST, REDIS_PORT, REDIS_DB and REDIS_PASSWORD (notifications.md) build the Redis URL', () => {
  assert.equal(loadConfig({ REDIS_HOST: 'cache.internal' }).redisUrl, 'redis://cache.internal:6379/0');
  const config = loadConfig({
    REDIS_HOST: 'cache.internal',
    REDIS_PORT: '6380',
    REDIS_DB: '2',
    REDIS_PASSWORD: 'p@ss/word',
  });
  assert.equal(config.redisUrl, 'redis://:p%40ss%2Fword@cache.internal:6380/2');
  assert.equal(describeConfig(config).redisPassword, '(set)');
  assert.equal(
    describeConfig(config).redisUrl,
    'redis://***@cache.internal:6380/2',
    'no password in the log',
  );
  assert.equal(loadConfig({ REDIS_HOST: '::1' }).redisUrl, 'redis://[::1]:6379/0');
  // The spec's block sets REDIS_PASSWORD= (empty): that is no password, not an error.
  assert.equal(
    loadConfig({ REDIS_HOST: 'localhost', REDIS_PASSWORD: '' }).redisUrl,
    'redis://localhost:6379/0',
  );
});

test('REDIS_URL wins over the parts; neither leaves the broker embedded', () => {
  const config = loadConfig({ REDIS_URL: 'redis://a:1/3', REDIS_HOST: 'b', REDIS_PORT: '2' });
  assert.equal(config.redisUrl, 'redis://a:1/3');
  assert.equal(loadConfig({}).redisUrl, undefined);
});

test('a Redis part that cannot be used is refused at start, naming the variable', () => {
  assert.throws(() => loadConfig({ REDIS_PORT: '6379' }), {
    name: 'ConfigError',
    message: /REDIS_PORT set without REDIS_HOST/,
  });
  assert.throws(
    () => loadConfig({ REDIS_HOST: 'h', REDIS_PORT: 'abc' }),
    /REDIS_PORT \(--redis-port\) is invalid/,
  );
  assert.throws(() => loadConfig({ REDIS_HOST: 'h', REDIS_PORT: '70000' }), ConfigError);
  assert.throws(() => loadConfig({ REDIS_HOST: 'h', REDIS_DB: '-1' }), /REDIS_DB/);
});

test('CORS_ORIGINS takes origins or *, and refuses what would never match an Origin header', () => {
  assert.deepEqual(loadConfig({}).corsOrigins, ['*']);
  assert.deepEqual(loadConfig({ CORS_ORIGINS: 'https://app.example, http://localhost:5173' }).corsOrigins, [
    'https://app.example',
    'http://localhost:5173',
  ]);
  for (const bad of [
    'https://app.example/',
    'app.example',
    'https://app.example/path',
    'ftp://x.example',
    'https://App.example',
    '**',
  ]) {
    assert.throws(
      () => loadConfig({ CORS_ORIGINS: `https://ok.example,${bad}` }),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.startsWith('CORS_ORIGINS (--cors-origins) is invalid') &&
        error.message.includes(JSON.stringify(bad)) &&
        error.message.includes('like https://app.example'),
      bad,
    );
  }
});

test(
  'two servers given REDIS_HOST and REDIS_PORT share the real Redis: an event published on one reaches a subscriber of the other',
  { skip: redisUnreachable },
  async (t) => {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    const env = { REDIS_HOST: hostname, REDIS_PORT: port || '6379', REDIS_PREFIX: redisPrefix(t) };
    const a = await startServer(t, env);
    const b = await startServer(t, env);
    assert.equal(a.config.redisUrl, `redis://${hostname}:${port || '6379'}/0`);
    const client = await TestClient.connect(t, `${b.wsUrl}/ws`);
    await client.subscribe('alerts');
    assert.equal(
      (await publish(a.url, { topic: 'alerts', type: 'alert.raised', data: { n: 1 } })).status,
      200,
    );
    const event = await client.next('event', (m) => m.event === 'alert.raised');
    assert.deepEqual(event.data, { n: 1 });
  },
);

test('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY come together, as base64url P-256 keys; VAPID_SUBJECT is a contact', () => {
  const publicKey = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
  const privateKey = Buffer.alloc(32, 9).toString('base64url');
  const config = loadConfig({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey });
  assert.equal(config.vapidPublicKey, publicKey);
  assert.equal(describeConfig(config).vapidPrivateKey, '(set)', 'never the private key in the log');
  assert.equal(loadConfig({}).vapidPublicKey, undefined);
  assert.throws(
    () => loadConfig({ VAPID_PUBLIC_KEY: publicKey }),
    /VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together/,
  );
  assert.throws(() => loadConfig({ VAPID_PRIVATE_KEY: privateKey }), /set both or neither/);
  assert.throws(
    () => loadConfig({ VAPID_PUBLIC_KEY: publicKey.slice(2), VAPID_PRIVATE_KEY: privateKey }),
    /VAPID_PUBLIC_KEY \(--vapid-public-key\) is invalid: must be 65 bytes/,
  );
  assert.throws(
    () => loadConfig({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: 'not+base64url' }),
    /VAPID_PRIVATE_KEY/,
  );
  assert.equal(
    loadConfig({ VAPID_SUBJECT: 'https://jobs.example/contact' }).vapidSubject,
    'https://jobs.example/contact',
  );
  assert.throws(
    () => loadConfig({ VAPID_SUBJECT: 'ops@example.test' }),
    /VAPID_SUBJECT .* must be a mailto: or https: URL/,
  );
  assert.deepEqual(loadConfig({ PUSH_ALLOW_PRIVATE: '127.0.0.1, 10.0.0.0/8' }).pushAllowPrivate, [
    '127.0.0.1',
    '10.0.0.0/8',
  ]);
  assert.throws(() => loadConfig({ PUSH_ALLOW_PRIVATE: 'not a host!' }), /PUSH_ALLOW_PRIVATE/);
});

test('INBOX_RETENTION_DAYS (default 90) and FOLLOWUP_DAYS (default 5) are whole days, refused otherwise by name', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.inboxRetentionDays, 90);
  assert.equal(defaults.followupDays, 5);
  const set = loadConfig({ INBOX_RETENTION_DAYS: '7', FOLLOWUP_DAYS: '10' });
  assert.deepEqual([set.inboxRetentionDays, set.followupDays], [7, 10]);
  for (const bad of ['0', '-1', '1.5', 'soon', '99999']) {
    assert.throws(() => loadConfig({ INBOX_RETENTION_DAYS: bad }), /INBOX_RETENTION_DAYS/, bad);
    assert.throws(() => loadConfig({ FOLLOWUP_DAYS: bad }), /FOLLOWUP_DAYS/, bad);
  }
});
