import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { api } from './helpers/api.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

/** An OpenAI-compatible stub that answers every evaluation GOOD after `delayMs`, counting requests. */
async function slowLlm(t: TestContext, delayMs: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [
              { index: 0, message: { role: 'assistant', content: '{"rating":"GOOD","reason":"fits"}' } },
            ],
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests: () => requests };
}

test('a matching run cut off by a restart runs again and completes: one set of matches, the stream ends completed', async (t) => {
  const llm = await slowLlm(t, 250);
  const env = { DATABASE_URL: testDatabaseUrl(t), LLM_BASE_URL: llm.url, LLM_MODEL: 'stub' };
  const first = await startServer(t, env);
  const started = await api(first.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'CV', text: 'PostgreSQL, TypeScript and Kubernetes in production for years.' },
    targets: ['Acme', 'Globex', 'Initech'].map((name) => ({
      name,
      text: `${name} runs PostgreSQL and TypeScript.`,
    })),
    criteria: [
      { id: 'db', label: 'Databases' },
      { id: 'lang', label: 'TypeScript' },
    ],
  });
  const id = started.body.job_id;
  while (llm.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await first.server.close(); // mid-evaluation

  const second = await startServer(t, env);
  const stream = new TestClient(`${second.wsUrl}/ws/matching-jobs/${id}`);
  t.after(() => stream.ws.terminate());
  const done = await stream.next('matching.job.status', (m) => m.status === 'complete', 15_000);
  assert.ok(done);
  const call = api(second.url);
  const matches = await call<{ target_name: string; rank: number }[]>(
    'GET',
    `/api/v1/matching-jobs/${id}/matches`,
  );
  assert.deepEqual(
    matches.body.map((m) => m.rank),
    [1, 2, 3],
    'one ranked set, not one per attempt',
  );
  const job = await call<{ status: string; retries: number }>('GET', `/api/v1/queue/jobs/${id}`);
  assert.deepEqual([job.body.status, job.body.retries], ['complete', 1]);
});

test('a run cancelled before it started still ends its stream: status failed, "cancelled"', async (t) => {
  const llm = await slowLlm(t, 400);
  const { url, wsUrl } = await startServer(t, {
    LLM_BASE_URL: llm.url,
    LLM_MODEL: 'stub',
    WORK_CONCURRENCY: '1',
  });
  const call = api(url);
  const body = {
    source: { name: 'CV', text: 'Go and Rust services.' },
    targets: [{ name: 'Acme', text: 'Rust services at scale.' }],
    criteria: [{ id: 'rust', label: 'Rust' }],
  };
  await call('POST', '/api/v1/matching-jobs', body); // keeps the only runner slot busy
  const waiting = await call<{ job_id: string }>('POST', '/api/v1/matching-jobs', body);
  const id = waiting.body.job_id;
  assert.equal(
    (await call<{ status: string }>('POST', `/api/v1/queue/jobs/${id}/cancel`)).body.status,
    'cancelled',
  );
  const stream = new TestClient(`${wsUrl}/ws/matching-jobs/${id}`);
  t.after(() => stream.ws.terminate());
  const last = await stream.next('matching.job.status', (m) => m.status === 'failed');
  assert.equal(last.error_message, 'cancelled');
  assert.deepEqual(
    stream.received.map((m) => `${String(m.type)} ${String(m.status)}`),
    ['matching.job.status queued', 'matching.job.status failed'],
  );
});
