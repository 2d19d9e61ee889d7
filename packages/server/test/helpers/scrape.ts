import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { api } from './api.js';
import { startServer as startJobstream } from './server.js';
import { TestClient } from './ws-client.js';

/** A server that may scrape the feed servers on this machine (sources are public addresses by default). */
export const startScrapingServer = (t: TestContext, env: Record<string, string> = {}) =>
  startJobstream(t, { SOURCE_ALLOW_PRIVATE: '127.0.0.1', ...env });

/** A job-feed.md client (`/api/v1/ws/jobs`) that has been told `connected`. */
export async function feedClient(t: TestContext, wsUrl: string): Promise<TestClient> {
  const client = new TestClient(`${wsUrl}/api/v1/ws/jobs`);
  t.after(() => client.ws.terminate());
  await client.next('connected');
  return client;
}

/** Adds a source, answering its id. */
export async function addSource(
  call: ReturnType<typeof api>,
  body: { name: string; kind: string; url: string; company: string },
): Promise<number> {
  const made = await call<{ id: number }>('POST', '/api/v1/sources', body);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id;
}

/** Scrapes a source on demand and waits for its `scrape.completed` on the native client. */
export async function scrapeNow(
  call: ReturnType<typeof api>,
  client: TestClient,
  sourceId: number,
): Promise<Record<string, unknown>> {
  const answer = await call<{ jobs: { job_id: string }[] }>('POST', '/api/v1/scrapes', {
    source_id: sourceId,
  });
  assert.equal(answer.status, 202);
  const jobId = answer.body.jobs[0]?.job_id;
  assert.ok(jobId);
  const done = await client.next(
    'event',
    (m) => m.event === 'scrape.completed' && (m.data as { work_id?: string }).work_id === jobId,
    15_000,
  );
  return done.data as Record<string, unknown>;
}
