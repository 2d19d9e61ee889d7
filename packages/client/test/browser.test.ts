import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { AppReport } from './browser/page.js';
import { signUp } from '../../server/test/helpers/api.js';
import { dropConnections, publish, sleep, startServer, until, type TestServer } from './helpers/jobstream.js';
import { openTestPage, skip } from './helpers/page.js';

interface PageApi {
  report: AppReport;
  seen: number[];
  client: { state: string; transport: string | undefined } | undefined;
  start(url: string, blockWebSocket: boolean): void;
  mount(url: string): void;
  mountReplay(url: string): void;
  mountOwnQueue(url: string, token: string): void;
  unmount(): void;
}

async function openPage(t: TestContext): Promise<{ page: Page; server: TestServer }> {
  const server = await startServer(t, { CORS_ORIGINS: '*' });
  const page = await openTestPage(
    t,
    new URL('browser/page.tsx', import.meta.url),
    '<div id="root"></div><div id="replay"></div>',
    'jobstream',
  );
  return { page, server };
}

/** Reads `window.jobstream.<path>` in the page. */
const read =
  (page: Page) =>
  <T>(path: string): Promise<T> =>
    page.evaluate<T>(`window.jobstream.${path}`);

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('in Chromium: every event once, in order, across killed connections', { skip }, async (t) => {
  const { page, server } = await openPage(t);
  const call = read(page);
  await page.evaluate(
    (url) => (window as unknown as { jobstream: PageApi }).jobstream.start(url, false),
    server.url,
  );
  await page.waitForFunction(
    () => (window as unknown as { jobstream: PageApi }).jobstream.client?.state === 'open',
  );
  await sleep(50);
  for (let i = 1; i <= 100; i++) {
    await publish(server.url, 'postings', 'posting.created');
    if (i % 25 === 0) dropConnections(server);
  }
  await page.waitForFunction(
    () => (window as unknown as { jobstream: PageApi }).jobstream.seen.length >= 100,
    undefined,
    { timeout: 10_000 },
  );
  await sleep(100);
  assert.deepEqual(await call('seen'), range(100));
  assert.equal(await call('client?.transport'), 'websocket');
});

test(
  'in Chromium with the WebSocket blocked: SSE over fetch carries every event once',
  { skip },
  async (t) => {
    const { page, server } = await openPage(t);
    const call = read(page);
    await page.evaluate(
      (url) => (window as unknown as { jobstream: PageApi }).jobstream.start(url, true),
      server.url,
    );
    await page.waitForFunction(
      () => (window as unknown as { jobstream: PageApi }).jobstream.client?.state === 'open',
      undefined,
      { timeout: 5000 },
    );
    assert.equal(await call('client?.transport'), 'sse');
    await sleep(100);
    for (let i = 1; i <= 30; i++) await publish(server.url, 'postings', 'posting.created');
    await page.waitForFunction(
      () => (window as unknown as { jobstream: PageApi }).jobstream.seen.length >= 30,
    );
    assert.deepEqual(await call('seen'), range(30));
  },
);

test(
  'React in StrictMode: one connection, a burst folded in few renders, the documented hooks',
  { skip },
  async (t) => {
    const { page, server } = await openPage(t);
    const call = read(page);
    const native = () => server.server.registry.byEndpoint().native ?? 0;
    // Count every native connection ever made, not just the ones left open.
    const { registry } = server.server;
    const add = registry.add.bind(registry);
    let opened = 0;
    registry.add = (connection, heartbeat) => {
      if (connection.endpoint === 'native') opened++;
      add(connection, heartbeat);
    };
    await page.evaluate(
      (url) => (window as unknown as { jobstream: PageApi }).jobstream.mount(url),
      server.url,
    );
    await page.waitForFunction(
      () => (window as unknown as { jobstream: PageApi }).jobstream.report.state === 'open',
    );
    await sleep(200);
    assert.equal(opened, 1, 'one connection for the provider and every hook, despite StrictMode');
    assert.equal(await call('report.feedState'), 'connected');

    const burst = 200;
    const rendersBefore = await call<number>('report.renders');
    // A real burst: published in one turn of the server's event loop.
    await Promise.all(
      range(burst).map((i) =>
        server.server.hub.publish({
          topic: 'postings',
          type: 'posting.created',
          data: { posting: { job_title: `job ${i}` } },
        }),
      ),
    );
    await publish(server.url, 'queue', 'work.created', { id: 'w1', status: 'queued' });
    await page.waitForFunction(
      (n) => (window as unknown as { jobstream: PageApi }).jobstream.report.count >= n,
      burst,
      { timeout: 5000 },
    );
    const report = await call<AppReport>('report');
    assert.deepEqual(report.seqs, range(burst), 'every event folded once, in order');
    // StrictMode renders twice per commit. useTopic folds what arrives within 16 ms of a batch's first
    // event into one commit; the server writes the burst in one or two writes, but a busy machine (the
    // suite runs two files at once) can keep Chromium taking the 200 messages in for longer than one
    // window, so the burst may span a few. Unfolded, it would be up to 200 commits.
    const renders = report.renders - rendersBefore;
    assert.ok(renders <= 8, `a burst of ${burst} events took ${renders} renders (at most 4 commits)`);
    assert.equal(report.feed.length, 100, 'job-feed history bounded to 100');
    assert.equal(report.feed.at(-1), `new_job job ${burst}`);
    await page.waitForFunction(
      () => (window as unknown as { jobstream: PageApi }).jobstream.report.jobs.length > 0,
    );
    assert.deepEqual(await call('report.jobs'), ['job_created pending']);

    // A burst that arrives at once (the replay of the whole history) is one render.
    await page.evaluate(
      (url) => (window as unknown as { jobstream: PageApi }).jobstream.mountReplay(url),
      server.url,
    );
    await page.waitForFunction(
      (n) => (window as unknown as { jobstream: PageApi }).jobstream.report.replayed.length >= n,
      burst,
    );
    await sleep(100);
    const replay = await call<AppReport>('report');
    assert.deepEqual(replay.replayed, range(burst));
    assert.ok(
      replay.replayRenders <= 6,
      `mounting and a replayed burst of ${burst} took ${replay.replayRenders} renders (StrictMode doubles)`,
    );
    assert.equal(opened, 1, 'the second provider shares the connection');

    await call('unmount()');
    await until(() => native() === 0, 'the connection closed after its last user left', 3000);
  },
);

test(
  "useJobsWebSocket, signed in: the reader's own work arrives whole (the shared queue shows it redacted)",
  { skip },
  async (t) => {
    const { page, server } = await openPage(t);
    const seeker = await signUp(server.url, 'Quinn', 'job_seeker');
    const posting = await seeker.call<{ id: number }>('POST', '/api/v1/jobs', {
      company: 'Acme',
      job_title: 'Backend Engineer',
    });
    await page.evaluate(
      ([url, token]) =>
        (globalThis as unknown as { jobstream: PageApi }).jobstream.mountOwnQueue(url!, token!),
      [server.url, seeker.token],
    );
    await until(() => (server.server.registry.byEndpoint().native ?? 0) > 0, 'the hook connected');
    await sleep(300); // its subscriptions go out once the welcome has named the reader
    const asked = await seeker.call<{ job_id: string }>('POST', `/api/v1/jobs/${posting.body.id}/analyze`);
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { jobstream: PageApi }).jobstream.report.ownJobs.some((j) =>
          j.startsWith('job_completed'),
        ),
      undefined,
      { timeout: 10_000 },
    );
    const jobs = await read(page)<string[]>('report.ownJobs');
    const mine = jobs.filter((j) => j.includes(asked.body.job_id));
    assert.equal(mine[0]?.split(' ')[0], 'job_created');
    const completed = mine.find((j) => j.startsWith('job_completed'))!;
    assert.match(completed, /match_score/, 'with its result, as REST shows it to its owner');
    assert.equal(new Set(mine).size, mine.length, 'each update once');
    await read(page)('unmount()');
  },
);
