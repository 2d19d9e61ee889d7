import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { api } from './helpers/api.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { spawnServer, spawnWorker, startServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { storeBackends, waitFor } from './helpers/store-backends.js';

// `/ws/matching-jobs/{id}` streams a run of any size from its first event, after the run ended, after a
// restart and on another node of a cluster: the run's kept events, then live, with no gap and no duplicate.

const redisUnreachable = await redisSkip();
const postgres = (await storeBackends()).find((backend) => backend.name === 'postgres');
const clusterSkip =
  redisUnreachable ?? (postgres === undefined ? 'PostgreSQL is not among STORES' : postgres.skip);
const timeout = 180_000; // a bound for a slow machine, not an expectation

type Message = Record<string, unknown>;

/** A run of `n` targets, one criterion: 3 events per target, one match each, 4 status and plan events. */
function runOf(n: number) {
  return {
    source: { name: 'CV', text: 'TypeScript services on Node.js. PostgreSQL schemas. Kubernetes.' },
    targets: Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      name: `Company ${i}`,
      text: i % 2 ? `Company ${i} runs TypeScript on Node.js.` : `Company ${i} bakes bread.`,
    })),
    criteria: [{ id: 'ts', label: 'TypeScript and Node.js' }],
  };
}

/** The documented order of a run of `n` targets, as `type` (and `:status`) names. */
function documentedOrder(n: number): string[] {
  const target = [
    'matching.job.target.search',
    'matching.job.target.evaluation',
    'matching.job.target.candidate',
  ];
  return [
    'matching.job.status:queued',
    'matching.job.status:running',
    'matching.job.criteria',
    'matching.job.source_snippets',
    ...Array.from({ length: n }, () => target).flat(),
    ...Array.from({ length: n }, () => 'matching.job.match.persisted'),
    'matching.job.status:complete',
  ];
}

const names = (messages: readonly Message[]): string[] =>
  messages.map((m) => `${String(m.type)}${m.type === 'matching.job.status' ? `:${String(m.status)}` : ''}`);

/** Every message a matching socket receives until the run ends (or `until` says so). */
function watch(url: string, until = (m: Message) => m.status === 'complete') {
  const ws = new WebSocket(url);
  const messages: Message[] = [];
  const done = new Promise<Message[]>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Message;
      messages.push(message);
      if (message.type === 'matching.job.status' && until(message)) {
        ws.close();
        resolve(messages);
      }
    });
    ws.on('close', (code) => reject(new Error(`closed with ${code} after ${messages.length} messages`)));
    ws.on('error', () => {});
  });
  done.catch(() => {}); // awaited by the test; a close after the end is no failure
  return { ws, messages, done };
}

async function waitForStatus(url: string, id: string, status: string): Promise<void> {
  const call = api(url);
  for (let i = 0; i < 600; i++) {
    const job = await call<{ status: string }>('GET', `/api/v1/queue/jobs/${id}`);
    if (job.body.status === status) return;
    if (['failed', 'cancelled'].includes(job.body.status)) assert.fail(`run ${id} is ${job.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`run ${id} did not become ${status}`);
}

/** Each event once (event_ids strictly increasing), in the documented order, ranks 1…n. */
function assertWholeRun(messages: readonly Message[], n: number): void {
  assert.deepEqual(names(messages), documentedOrder(n));
  const ids = messages.map((m) => Number(m.event_id));
  assert.ok(
    ids.every((id, i) => i === 0 || id > ids[i - 1]!),
    'every event once, in order',
  );
  const ranks = messages.filter((m) => m.type === 'matching.job.match.persisted').map((m) => m.rank);
  assert.deepEqual(
    ranks,
    Array.from({ length: n }, (_, i) => i + 1),
  );
}

test(
  'a run of 600 targets is replayed whole to a client that connects after it finished, and after a restart',
  { timeout },
  async (t) => {
    const env = { DATABASE_URL: testDatabaseUrl(t) };
    const first = await startServer(t, env);
    const started = await api(first.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(600));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.job_id;
    await waitForStatus(first.url, id, 'complete');

    const late = await watch(`${first.wsUrl}/ws/matching-jobs/${id}`).done;
    assert.equal(late.length, 2405, 'more than the 1,000 events a topic’s history holds');
    assertWholeRun(late, 600);
    await first.server.close();

    const second = await startServer(t, env); // the same SQLite file
    const again = await watch(`${second.wsUrl}/ws/matching-jobs/${id}`).done;
    assert.deepEqual(again, late, 'the same events, with the same event_ids, after the restart');
  },
);

/**
 * An OpenAI-compatible stub that answers every evaluation GOOD after `delayMs`; while `failing()`, it
 * answers HTTP 500 instead.
 */
async function slowLlm(t: TestContext, delayMs: number, failing = () => false): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        if (failing()) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'the model is overloaded' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        const content = '{"rating":"GOOD","reason":"fits"}';
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

test(
  'cluster: a client that connects mid-run on another node gets the whole run, once, in order',
  { skip: clusterSkip, timeout },
  async (t) => {
    if (postgres === undefined) return;
    const database = await postgres.database(t);
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix(t),
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(24).toString('hex'),
      // Evaluations take a few ms each, so that the run is still going when the client comes.
      LLM_BASE_URL: await slowLlm(t, 5),
      LLM_MODEL: 'stub',
    };
    const a = await spawnServer(t, env);
    const b = await spawnServer(t, env);
    const worker = await spawnWorker(t, env);
    t.after(() => Promise.all([a, b].map((node) => stopProcess(node.child, 'SIGKILL'))));
    t.after(() => stopProcess(worker, 'SIGKILL'));
    const started = await api(a.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(600));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.job_id;
    const newest = async () =>
      (
        await api(a.url)<{ event_type: string; payload: Message }[]>(
          'GET',
          `/api/matching-jobs/${id}/updates/?limit=1`,
        )
      ).body[0];
    for (let i = 0; i < 300 && (await newest())?.event_type !== 'matching.job.target.candidate'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const midRun = watch(`${b.url.replace(/^http/, 'ws')}/ws/matching-jobs/${id}`);
    await new Promise((resolve) => midRun.ws.once('open', resolve));
    assert.notEqual((await newest())?.payload.status, 'complete', 'the client came while the run went on');
    const seen = await midRun.done;
    assertWholeRun(seen, 600);

    const after = await watch(`${a.url.replace(/^http/, 'ws')}/ws/matching-jobs/${id}`).done;
    assert.deepEqual(
      seen.map((m) => m.event_id),
      after.map((m) => m.event_id),
      'the mid-run client got what the run kept, no more, no less',
    );
  },
);

const statuses = (messages: readonly Message[]): string[] =>
  messages
    .filter((m) => m.type === 'matching.job.status')
    .map((m) => `${String(m.status)}/${String(m.attempt)}`);

test(
  'a run retried on an open socket announces its new attempt: queued and running with attempt 2, then its stages again',
  { timeout },
  async (t) => {
    let failing = true;
    const llm = await slowLlm(t, 0, () => failing);
    const { url, wsUrl } = await startServer(t, { LLM_BASE_URL: llm, LLM_MODEL: 'stub' });
    const call = api(url);
    const started = await call<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(3));
    const id = started.body.job_id;
    const stream = watch(`${wsUrl}/ws/matching-jobs/${id}`);
    await waitFor(
      () => stream.messages.some((m) => m.status === 'failed'),
      30_000,
      'the first attempt fails',
    );
    assert.equal(
      stream.messages.find((m) => m.status === 'failed')?.error_message,
      'LLM evaluator failed with HTTP 500: the model is overloaded',
    );
    failing = false;
    assert.equal((await call('POST', `/api/v1/queue/jobs/${id}/retry`)).status, 200);
    const all = await stream.done;
    assert.deepEqual(statuses(all), [
      'queued/1',
      'running/1',
      'failed/1',
      'queued/2',
      'running/2',
      'complete/2',
    ]);
    assertWholeRun(all.slice(all.findIndex((m) => m.status === 'queued' && m.attempt === 2)), 3);
  },
);

test(
  'a run cut off while it sent its results, and run again, keeps the last attempt’s results only',
  { timeout },
  async (t) => {
    const database = testDatabaseUrl(t);
    const file = database.slice('sqlite:'.length);
    let id = '';
    // Killed once its first results are kept (600 are sent one by one); a run that ends before the kill
    // lands is tried again, at most three times.
    for (let tries = 0; tries < 3 && id === ''; tries++) {
      const node = await spawnServer(t, { DATABASE_URL: database });
      const started = await api(node.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(600));
      const run = started.body.job_id;
      const db = new Database(file, { readonly: true, fileMustExist: true });
      const count = (type: string) =>
        (
          db
            .prepare('SELECT count(*) AS n FROM matching_updates WHERE work_id = ? AND event_type = ?')
            .get(run, type) as { n: number }
        ).n;
      try {
        for (let i = 0; i < 60_000 && count('matching.job.match.persisted') === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        await stopProcess(node.child, 'SIGKILL');
        const persisted = count('matching.job.match.persisted');
        if (persisted > 0 && persisted < 600) id = run;
      } finally {
        db.close();
      }
    }
    assert.notEqual(id, '', 'a run was cut off while it sent its results');

    const restarted = await startServer(t, { DATABASE_URL: database });
    await waitForStatus(restarted.url, id, 'complete');
    const all = await watch(`${restarted.wsUrl}/ws/matching-jobs/${id}`).done;
    assert.deepEqual(statuses(all), ['queued/1', 'running/1', 'queued/2', 'running/2', 'complete/2']);
    const call = api(restarted.url);
    const matches = await call<{ match_id: string }[]>('GET', `/api/v1/matching-jobs/${id}/matches`);
    const current = new Set(matches.body.map((m) => m.match_id));
    assert.equal(current.size, 600);
    const persisted = all.filter((m) => m.type === 'matching.job.match.persisted');
    assert.equal(persisted.length, 600, 'one set of ranked results, the last attempt’s');
    assert.ok(persisted.every((m) => current.has(String(m.match_id))));
    assert.deepEqual(
      persisted.map((m) => m.rank),
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
    const oldest = await call<{ event_type: string }[]>('GET', `/api/matching-jobs/${id}/updates/?limit=200`);
    assert.equal(oldest.status, 200);
    // The stored updates hold the first attempt's stages, and no results but the last attempt's.
    const kept = new Database(file, { readonly: true });
    t.after(() => kept.close());
    const rows = kept
      .prepare(
        "SELECT payload FROM matching_updates WHERE work_id = ? AND event_type = 'matching.job.match.persisted'",
      )
      .all(id) as { payload: string }[];
    assert.equal(rows.length, 600);
    assert.ok(rows.every((r) => current.has((JSON.parse(r.payload) as { match_id: string }).match_id)));
  },
);
