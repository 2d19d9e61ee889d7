import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createJobstream } from '../src/server.js';
import { privateRedis } from './helpers/private-redis.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

interface Readiness {
  status: string;
  checks: Record<string, string>;
}

const TOKEN = 'metrics-token-for-tests';

/** One unlabelled metric's value. */
async function metric(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await res.text())?.[1]);
}

async function ready(url: string): Promise<{ code: number; body: Readiness }> {
  const res = await fetch(`${url}/ready`);
  return { code: res.status, body: (await res.json()) as Readiness };
}

/** Asks /ready until it answers `code` (at most 20 s: a broker outage takes a moment to be seen). */
async function readyBecomes(url: string, code: number): Promise<Readiness> {
  let last: { code: number; body: Readiness } | undefined;
  for (let i = 0; i < 200; i++) {
    last = await ready(url);
    if (last.code === code) return last.body;
    await sleep(100);
  }
  assert.fail(`/ready stayed ${last?.code} ${JSON.stringify(last?.body)}, never ${code}`);
}

test('/ready is 503 while starting and while draining; /health is liveness alone', async (t) => {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl(t),
  });
  const node = await createJobstream(config, createLogger(config.logLevel));
  t.after(() => node.close());
  const starting = await node.app.inject({ url: '/ready' });
  assert.equal(starting.statusCode, 503);
  assert.equal(starting.json<Readiness>().status, 'starting');
  assert.equal((await node.app.inject({ url: '/health' })).statusCode, 200);

  const url = await node.listen();
  assert.deepEqual(await ready(url), { code: 200, body: { status: 'ready', checks: { store: 'ok' } } });

  // A SIGTERM's shutdown: from its first moment, no more traffic is wanted here.
  const closing = node.close();
  const draining = await node.app.inject({ url: '/ready' });
  assert.equal(draining.statusCode, 503);
  assert.equal(draining.json<Readiness>().status, 'draining');
  await closing;
});

test('/ready is 503 while Redis is down and 200 again once it is back', async (t) => {
  const redis = await privateRedis(t);
  const { url } = await startServer(t, { REDIS_URL: redis.url, METRICS_TOKEN: TOKEN });
  assert.deepEqual(await ready(url), {
    code: 200,
    body: { status: 'ready', checks: { store: 'ok', redis: 'ok' } },
  });
  assert.equal(await metric(url, 'jobstream_broker_errors_total'), 0);

  await redis.stop();
  const down = await readyBecomes(url, 503);
  assert.deepEqual(down, { status: 'unavailable', checks: { store: 'ok', redis: 'down' } });
  assert.equal((await fetch(`${url}/health`)).status, 200, 'still alive');
  // Its attempts to connect again fail while Redis is away.
  for (let i = 0; i < 100 && (await metric(url, 'jobstream_broker_errors_total')) === 0; i++)
    await sleep(100);
  assert.ok((await metric(url, 'jobstream_broker_errors_total')) > 0, 'the outage counted as broker errors');

  await redis.start();
  assert.deepEqual(await readyBecomes(url, 200), { status: 'ready', checks: { store: 'ok', redis: 'ok' } });
  assert.ok((await metric(url, 'jobstream_broker_reconnects_total')) > 0, 'and the return as reconnects');
});
