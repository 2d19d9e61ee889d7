import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUp } from './helpers/api.js';
import { collectGarbage } from './helpers/child-gc.js';
import { shortMatchingRun } from './helpers/matching-run.js';
import { fuzzSeed, Prng } from './helpers/prng.js';
import { spawnServer, type ServerProcess } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';
import { channelsModel } from './helpers/ws-fuzz/channels-model.js';
import { jobFeedModel, jobQueueModel, matchingModel } from './helpers/ws-fuzz/feed-models.js';
import type { EndpointModel } from './helpers/ws-fuzz/model.js';
import { nativeModel } from './helpers/ws-fuzz/native-model.js';
import { notificationsModel } from './helpers/ws-fuzz/notifications-model.js';
import { fuzzEndpoint, type FuzzTarget } from './helpers/ws-fuzz/run-endpoint.js';
import { fuzzUpgrades } from './helpers/ws-fuzz/upgrade.js';

// Seeded fuzzing of every WebSocket endpoint and of the upgrade path, against `jobstream serve` in a
// child process (so that a crash is seen, not suffered, and its memory is its own). FUZZ_N sets the
// inputs per endpoint (5,000 by default; 100,000 and more for long local runs), FUZZ_SEED replays a
// run (every run prints its seed).

const N = Number(process.env.FUZZ_N ?? 5000);
const WARM_UP = 1000;
const API_KEY = 'fuzz-ws-api-key';
// The rate limit is a per-connection budget here (2,500 messages, barely refilled), so that the
// suite's pipelined batches are never limited on a slow machine, while a flood still is.
const BURST = 2500;
const env = {
  RATE_LIMIT_PER_SEC: '1',
  RATE_LIMIT_BURST: String(BURST),
  JOBSTREAM_API_KEY: API_KEY,
  // The inspector (on a free loopback port) is how the suite asks for a full garbage collection
  // before it reads resident memory, which otherwise says more about uncollected garbage.
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0 --inspect-publish-uid=http`,
};

async function connections(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as { connections: { total: number } };
  return stats.connections.total;
}

/** Publishes postings at a steady pace until stopped, then resolves with the seqs it was given. */
function publisher(url: string) {
  let stopped = false;
  const done = (async () => {
    const seqs: number[] = [];
    for (let i = 0; !stopped && i < 100_000; i++) {
      const posting = {
        id: 100_000 + i,
        company: 'Fuzz',
        job_title: `Job ${i}`,
        location: null,
        source: 'fuzz',
      };
      const res = await fetch(`${url}/api/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ topic: 'postings', type: 'posting.created', data: { posting } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      seqs.push(((await res.json()) as { seq: number }).seq);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return seqs;
  })();
  return { stop: () => ((stopped = true), done) };
}

async function endpoints(server: ServerProcess): Promise<EndpointModel[]> {
  const seeker = await signUp(server.url, 'Fuzzy', 'job_seeker');
  const jobId = await shortMatchingRun(seeker.call);
  return [
    nativeModel(),
    channelsModel(),
    jobQueueModel(),
    jobFeedModel(),
    notificationsModel(seeker.token),
    matchingModel(jobId, seeker.token),
  ];
}

test(
  'WebSocket fuzz: every endpoint answers each input as documented, and the server lives on',
  { timeout: 120_000 + N * 60 },
  async (t) => {
    const seed = fuzzSeed();
    t.diagnostic(`FUZZ_SEED=${seed} FUZZ_N=${N}`);
    const server = await spawnServer(t, env);
    const port = Number(new URL(server.url).port);
    const target: FuzzTarget = { port, maxPayload: 65536, burst: BURST };
    const models = await endpoints(server);
    const wsUrl = server.url.replace(/^http/, 'ws');
    const rss = async (): Promise<number> => {
      const { heapUsed } = await collectGarbage(server.child.pid ?? 0, port);
      t.diagnostic(`heap in use after a full collection: ${mb(heapUsed)}`);
      return server.rssBytes();
    };

    // Bystanders: a native subscriber and a channels one, on the topic the publisher feeds.
    const native = await TestClient.connect(t, `${wsUrl}/ws`);
    await native.subscribe('postings');
    const channels = new TestClient(`${wsUrl}/api/v1/ws?channels=jobs`);
    t.after(() => channels.ws.terminate());
    await channels.next('system.connected');
    const bystanders = await connections(server.url);

    // A warm-up of the same shape (every endpoint at once, every kind of input), so that what the
    // process allocates once (compiled code, caches) is in the baseline.
    const root = new Prng(seed);
    await Promise.all([
      ...models.map((model) => fuzzEndpoint(target, model, root.fork(`warm ${model.name}`), WARM_UP)),
      fuzzUpgrades(port, root.fork('warm upgrade'), WARM_UP),
    ]);
    await until(async () => (await connections(server.url)) === bystanders);
    const rssBefore = await rss();

    const feed = publisher(server.url);
    const reports = await Promise.all([
      ...models.map(
        async (model) => [model.name, await fuzzEndpoint(target, model, root.fork(model.name), N)] as const,
      ),
      fuzzUpgrades(port, root.fork('upgrade'), N).then((report) => ['upgrade path', report] as const),
    ]);
    const published = await feed.stop();

    for (const [name, r] of reports) {
      const closes = [...r.closes].map(([code, count]) => `${code}×${count}`).join(' ');
      t.diagnostic(
        `${name}: ${r.inputs} inputs, ${r.closing} closing, ${r.connections} connections; closes ${closes}`,
      );
    }
    const failures = reports.flatMap(([, report]) => report.failures);
    assert.deepEqual(failures, [], `FUZZ_SEED=${seed}: ${failures.join('\n\n')}`);
    for (const [name, report] of reports) assert.ok(report.inputs >= N, `${name}: ${report.inputs} inputs`);

    // Nothing published meanwhile was lost, nor doubled, on either bystander.
    assert.ok(published.length > 0);
    const expected = published.map((seq) => `postings@${seq}`);
    const seenNative = () => native.events('postings').map((e) => `postings@${String(e.seq)}`);
    const seenChannels = () =>
      channels.received.filter((m) => m.type === 'job.created').map((m) => String(m.event_id));
    await until(() => seenNative().length >= expected.length && seenChannels().length >= expected.length);
    assert.deepEqual(seenNative(), expected, `FUZZ_SEED=${seed}: the native subscriber missed events`);
    assert.deepEqual(seenChannels(), expected, `FUZZ_SEED=${seed}: the channels subscriber missed events`);

    // The server lives, holds no fuzz connection any more, and kept its memory.
    await until(async () => (await connections(server.url)) === bystanders);
    assert.equal(await connections(server.url), bystanders, 'every fuzz connection is gone');
    assert.equal(server.child.exitCode, null, 'the server is running');
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const rssAfter = await rss();
    t.diagnostic(`RSS after a full collection: ${mb(rssBefore)} before, ${mb(rssAfter)} after`);
    assert.ok(
      rssAfter <= rssBefore * 1.2,
      `FUZZ_SEED=${seed}: RSS grew from ${mb(rssBefore)} to ${mb(rssAfter)}`,
    );
  },
);

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Waits (at most 60 s) until `condition` holds; the assertion after it says what did not. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition()) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
}
