import assert from 'node:assert/strict';
import { test } from 'node:test';
import { match } from '../src/router.js';
import { emptyRun, foldRun, ranked } from '../src/run-state.js';

const ev = (type: string, data: unknown) => ({ type, data });

test('a matching run folded from its events: candidates ranked by score as they come, then by persisted rank', () => {
  let run = foldRun(emptyRun, ev('matching.job.criteria', { criteria: [{ id: 'c', label: 'Stack' }] }));
  run = foldRun(
    run,
    ev('matching.job.source_snippets', { snippets: [{ criterion_id: 'c', snippet_count: 2 }] }),
  );
  const target = (id: string, name: string, total: number) => ({
    target_id: id,
    target_name: name,
    total_hits: total,
    hits: [],
  });
  run = foldRun(run, ev('matching.job.target.search', { target: target('a', 'A', 1) }));
  run = foldRun(run, ev('matching.job.target.search', { target: target('b', 'B', 3) }));
  const candidate = (id: string, score: number) => ({
    target_id: id,
    target_name: id.toUpperCase(),
    score,
    search_hit_ratio: 1,
    summary_reason: 'why',
  });
  run = foldRun(run, ev('matching.job.target.candidate', candidate('a', 1)));
  run = foldRun(run, ev('matching.job.target.candidate', candidate('b', 2)));
  assert.deepEqual(
    ranked(run.targets).map((t) => [t.target_id, t.total_hits, t.candidate?.score]),
    [
      ['b', 3, 2],
      ['a', 1, 1],
    ],
  );
  // The persisted rank has the last word.
  run = foldRun(run, ev('matching.job.match.persisted', { target_id: 'a', target_name: 'A', rank: 1 }));
  run = foldRun(run, ev('matching.job.match.persisted', { target_id: 'b', target_name: 'B', rank: 2 }));
  assert.deepEqual(
    ranked(run.targets).map((t) => t.target_id),
    ['a', 'b'],
  );
  assert.equal(run.criteria[0]?.label, 'Stack');
  assert.equal(run.snippets[0]?.snippet_count, 2);
});

test("a scrape's run keeps its counts and error messages", () => {
  let run = foldRun(emptyRun, ev('scrape.started', { source: 's' }));
  run = foldRun(
    run,
    ev('scrape.completed', {
      source: 's',
      jobs_found: 0,
      new_jobs: 0,
      updated_jobs: 0,
      errors: 1,
      error_messages: ['refused'],
    }),
  );
  assert.deepEqual(run.scrape?.error_messages, ['refused']);
  assert.equal(run.scrape?.errors, 1);
});

test('page paths match their patterns, parameters decoded', () => {
  assert.deepEqual(match('/work/:id', '/work/ab%20c'), { id: 'ab c' });
  assert.deepEqual(match('/postings/:id', '/postings/7/'), { id: '7' });
  assert.equal(match('/postings/:id', '/postings'), undefined);
  assert.equal(match('/work/:id', '/queue/x'), undefined);
});
