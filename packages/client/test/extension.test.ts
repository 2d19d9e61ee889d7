import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { Page, Worker } from 'playwright-core';
import { writeChannelsExtension } from './extension/channels-extension.js';
import {
  eventually,
  launchWithExtensions,
  missing,
  writeSdkExtension,
  CHROMIUM,
} from './extension/chromium.js';
import type { WorkerReport } from './extension/sdk-worker.js';
import { startServer, type TestServer } from './helpers/jobstream.js';

// In CI a missing browser is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

/** A posting made over REST, as the document's users make them. */
async function postJob(url: string, title: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company: 'Acme', job_title: title, location: 'Remote', source: 'extension' }),
  });
  assert.equal(res.status, 201, `POST /api/v1/jobs: ${await res.text()}`);
}

const reportOf = (sdk: Worker) => () =>
  sdk.evaluate(() => (globalThis as unknown as { report: WorkerReport }).report);

/** The titles of the `job.created` messages channels.md's script broadcast to its popup. */
const jobsCreated = (popup: Page) => () =>
  popup.evaluate(() =>
    (window as unknown as { events: { type: string; data: { job_title?: string } }[] }).events
      .filter((m) => m.type === 'job.created')
      .map((m) => m.data.job_title),
  );

/** The badge channels.md's script sets: '' while connected, '!' once the connection closed. */
const badge = (worker: Worker) => () =>
  worker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }
    ).chrome.action.getBadgeText({}),
  );

const connections = (server: TestServer) => () => Promise.resolve(server.server.registry.byEndpoint());
const both = (n: Record<string, number>) => (n.channels ?? 0) >= 1 && (n.native ?? 0) >= 1;

test(
  "Chromium extensions: channels.md's background script and the SDK in a service worker get each new posting, and come back after a restart",
  { skip, timeout: 60_000 },
  async (t) => {
    const first = await startServer(t);
    const port = Number(new URL(first.url).port);
    const chromium = await launchWithExtensions(t, [
      (dir) => writeChannelsExtension(dir, port),
      (dir) => writeSdkExtension(dir, { url: first.url }),
    ]);
    const channels = await chromium.worker('background.js');
    const sdk = await chromium.worker('worker.js');
    // The document's script broadcasts every message to the extension's pages: its popup, opened here.
    const popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${new URL(channels.url()).host}/popup.html`);

    await eventually(connections(first), both, 'both extensions connected');
    await eventually(badge(channels), (text) => text === '', "the document's badge cleared on connect");
    await postJob(first.url, 'Before the restart');
    await eventually(jobsCreated(popup), (titles) => titles.length >= 1, 'job.created in the popup');
    await eventually(reportOf(sdk), (r) => r.received.length >= 1, "posting.created in the SDK's worker");

    await first.server.close();
    await eventually(badge(channels), (text) => text === '!', "the document's badge showing the lost link");
    const second = await startServer(t, { PORT: String(port), DATABASE_URL: first.config.databaseUrl });
    await eventually(connections(second), both, 'both extensions connected to the restarted server');
    await eventually(badge(channels), (text) => text === '', 'the badge cleared again');
    await postJob(second.url, 'After the restart');
    const titles = await eventually(jobsCreated(popup), (s) => s.length >= 2, 'the job made after it');
    const report = await eventually(
      reportOf(sdk),
      (r) => r.received.length >= 2,
      'the posting made after it',
    );

    assert.deepEqual(titles, ['Before the restart', 'After the restart'], 'job.created, each once');
    assert.deepEqual(
      report.received,
      ['Before the restart', 'After the restart'],
      'posting.created, each once',
    );
    const states = report.states.map((s) => s.state);
    assert.deepEqual(states.slice(0, 2), ['connecting', 'open']);
    assert.equal(
      report.states.find((s) => s.kind === 'closed')?.code,
      1012,
      'told the server was restarting',
    );
    assert.equal(states.at(-1), 'open', `connected again: ${states.join(' → ')}`);
    // A listener added after a service worker's first run draws a warning from Chromium (its log shows
    // it: it is no console call), as the SDK's did when it connected after reading chrome.storage.
    const logged = chromium.consoleOf(channels);
    assert.ok(
      logged.some((l) => l.includes('Extension WebSocket connected')),
      'the log shows workers',
    );
    const complaints = chromium.consoleOf(sdk).filter((line) => /initial evaluation|Uncaught/.test(line));
    assert.deepEqual(complaints, [], "nothing in the SDK's worker drew a warning or an error");
  },
);

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test(
  "in an extension's service worker, coming back online retries at once instead of waiting out the backoff",
  { skip, timeout: 30_000 },
  async (t) => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const chromium = await launchWithExtensions(t, [
      (dir) => writeSdkExtension(dir, { url, initialDelayMs: 60_000, maxDelayMs: 60_000 }),
    ]);
    const sdk = await chromium.worker('worker.js');
    const waiting = await eventually(
      reportOf(sdk),
      (r) => (r.states.at(-1)?.delayMs ?? 0) > 5000,
      'a retry scheduled more than 5 s away',
    );
    const scheduled = waiting.states.at(-1)!;
    await sdk.evaluate(() => globalThis.dispatchEvent(new Event('online')));
    const after = await eventually(
      reportOf(sdk),
      (r) => r.states.length > waiting.states.length,
      'the next attempt',
    );
    const next = after.states[waiting.states.length]!;
    assert.equal(next.attempt, scheduled.attempt! + 1);
    assert.ok(next.at - scheduled.at < scheduled.delayMs!, 'tried again before the scheduled retry');
    assert.deepEqual(
      chromium.consoleOf(sdk).filter((line) => /initial evaluation/.test(line)),
      [],
    );
  },
);

test(
  "in an extension's service worker the client pings while connected, so that Chromium does not stop the worker",
  { skip, timeout: 30_000 },
  async (t) => {
    const server = await startServer(t);
    const chromium = await launchWithExtensions(t, [
      // 20 s by default in a service worker (Chrome stops one after 30 s without traffic); short here.
      (dir) => writeSdkExtension(dir, { url: server.url, keepAliveMs: 300 }),
    ]);
    const sdk = await chromium.worker('worker.js');
    const report = await eventually(reportOf(sdk), (r) => r.pongs >= 3, 'pongs to three keep-alive pings');
    assert.equal(report.states.filter((s) => s.state === 'open').length, 1, 'one connection throughout');
  },
);
