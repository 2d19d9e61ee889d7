import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { api } from './helpers/api.js';
import {
  assertWholeRun,
  runOf,
  slowLlm,
  waitForStatus,
  watch,
  type Message,
} from './helpers/matching-stream.js';
import { spawnServer, startServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { waitFor } from './helpers/store-backends.js';

// `/ws/matching-jobs/{id}` streams a run of any size from its first event, after the run ended and after
// a restart: the run's kept events, then live, with no gap and no duplicate (matching-cluster.test.ts:
// on another node); a retried run announces its attempt, and keeps its last attempt's results only.

const timeout = 180_000; // a bound for a slow machine, not an expectation

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
    // Killed once its first results are kept (300 are sent one by one); a run that ends before the kill
    // lands is tried again, at most three times.
    for (let tries = 0; tries < 3 && id === ''; tries++) {
      const node = await spawnServer(t, { DATABASE_URL: database });
      const started = await api(node.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(300));
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
        if (persisted > 0 && persisted < 300) id = run;
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
    assert.equal(current.size, 300);
    const persisted = all.filter((m) => m.type === 'matching.job.match.persisted');
    assert.equal(persisted.length, 300, 'one set of ranked results, the last attempt’s');
    assert.ok(persisted.every((m) => current.has(String(m.match_id))));
    assert.deepEqual(
      persisted.map((m) => m.rank),
      Array.from({ length: 300 }, (_, i) => i + 1),
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
    assert.equal(rows.length, 300);
    assert.ok(rows.every((r) => current.has((JSON.parse(r.payload) as { match_id: string }).match_id)));
  },
);

test(
  'a run cancelled while it runs, then retried, ends its first attempt once: one failed, then the next attempt',
  { timeout },
  async (t) => {
    // Each evaluation takes a while, so that the cancel lands while one is under way.
    const llm = await slowLlm(t, 100);
    const { url, wsUrl } = await startServer(t, { LLM_BASE_URL: llm, LLM_MODEL: 'stub' });
    const call = api(url);
    const started = await call<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(20));
    const id = started.body.job_id;
    const stream = watch(`${wsUrl}/ws/matching-jobs/${id}`);
    await waitFor(
      () => stream.messages.some((m) => m.type === 'matching.job.target.candidate'),
      30_000,
      'a target evaluated',
    );
    assert.equal((await call('POST', `/api/v1/queue/jobs/${id}/cancel`)).status, 200);
    await waitFor(() => stream.messages.some((m) => m.status === 'failed'), 30_000, 'the run ends');
    assert.equal(stream.messages.find((m) => m.status === 'failed')?.error_message, 'cancelled');
    assert.equal((await call('POST', `/api/v1/queue/jobs/${id}/retry`)).status, 200);
    await stream.done;
    // What the run kept, replayed: the cancelled attempt ended once, the retry ran whole.
    const replayed = await watch(`${wsUrl}/ws/matching-jobs/${id}`).done;
    assert.deepEqual(statuses(replayed), [
      'queued/1',
      'running/1',
      'failed/1',
      'queued/2',
      'running/2',
      'complete/2',
    ]);
    assert.deepEqual(statuses(stream.messages), statuses(replayed), 'the same, as it happened');
  },
);
