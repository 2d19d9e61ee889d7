import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { HashedTfIdf } from '../src/work/matching/embedding.js';
import { EvaluatorError, type Evaluator } from '../src/work/matching/evaluator.js';
import {
  MatchingCriteriaEventSchema,
  MatchingEventSchema,
  MatchingMatchPersistedEventSchema,
  MatchingSourceSnippetsEventSchema,
  MatchingStatusEventSchema,
  MatchingTargetCandidateEventSchema,
  MatchingTargetEvaluationEventSchema,
  MatchingTargetSearchEventSchema,
} from '@jobstream/protocol';
import { parseMatchingInput } from '../src/work/matching/input-schema.js';
import { LocalEvaluator } from '../src/work/matching/local-evaluator.js';
import { collectingPublisher, nullPublisher } from '../src/work/matching/publisher.js';
import { runMatching, type MatchingPhase } from '../src/work/matching/run-matching.js';
import { meanRating } from '../src/work/matching/scoring.js';
import { hitRatio, indexSnippets, searchCriteria } from '../src/work/matching/search.js';
import { splitSnippets } from '../src/work/matching/snippets.js';
import { type MatchingEvent, type Rating } from '@jobstream/protocol';
import { resolveCriterion, type MatchingInput } from '../src/work/matching/types.js';

const JOB = '8dc1f15e-52bd-4a4c-9f7a-40dd6aacd21e';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u;

const RESUME = `Jane Doe — Senior backend engineer
- Built TypeScript and Node.js services handling 10,000 requests per second.
- Designed PostgreSQL schemas and tuned slow queries.
- Led a team of four engineers through two product launches.
Hobbies: hiking and photography.`;
const ACME = `Acme Corp is hiring a backend engineer.
You will build TypeScript services on Node.js.
Experience designing PostgreSQL schemas is a plus.
You will lead a small team of engineers.`;
const BAKERY = `Sunrise Bakery seeks a pastry chef.
Bake bread, croissants and cakes every morning.
Keep the kitchen clean and order flour.`;

const INPUT: MatchingInput = {
  source: { name: 'Jane Doe', text: RESUME },
  // The irrelevant target first, so that ranking (not input order) puts Acme first.
  targets: [
    { id: 'bakery', name: 'Sunrise Bakery', text: BAKERY },
    { id: 'acme', name: 'Acme Corp', text: ACME },
  ],
  criteria: [
    { id: 'backend', label: 'Backend engineering', guidance: 'TypeScript and Node.js services' },
    { id: 'db', label: 'Databases', guidance: 'PostgreSQL schema design and queries', weight: 2 },
    { id: 'lead', label: 'Team leadership', target_snippet_limit: 1 },
  ],
};

/** A clock that advances 1 ms per reading, so that timestamps are distinct and ordered. */
function steppingClock(start = Date.parse('2025-03-28T17:10:54.000Z')) {
  let t = start;
  return () => new Date(t++);
}

const live = () => new AbortController().signal;

test('search: the relevant job has hits for every criterion, the bakery none; limits hold', () => {
  const criteria = INPUT.criteria.map(resolveCriterion);
  const snippets = [RESUME, ACME, BAKERY].map((t) => splitSnippets(t));
  const embedder = new HashedTfIdf(snippets.flat());
  const [resume, acme, bakery] = snippets.map((s) =>
    searchCriteria(embedder, indexSnippets(embedder, s), criteria, (c) => c.target_snippet_limit),
  );
  assert.deepEqual(
    acme!.hits.map((h) => h.criterion_id),
    ['backend', 'db', 'lead'],
  );
  assert.ok(
    acme!.hits.every((h) => h.hit_count >= 1),
    JSON.stringify(acme!.hits),
  );
  assert.equal(acme!.hits[2]!.hit_count, 1, 'target_snippet_limit 1');
  assert.ok(acme!.hits.every((h) => h.hit_count <= 3));
  assert.equal(
    acme!.total_hits,
    acme!.hits.reduce((s, h) => s + h.hit_count, 0),
  );
  assert.equal(hitRatio(acme!), 1);
  assert.equal(bakery!.total_hits, 0);
  assert.equal(hitRatio(bakery!), 0);
  assert.ok(resume!.total_hits > 0);
  // The best hit for "Databases" is the PostgreSQL line, on both sides.
  assert.match(acme!.snippets.get('db')![0]!.text, /PostgreSQL/u);
  assert.match(resume!.snippets.get('db')![0]!.text, /PostgreSQL/u);
});

// The documented fields of each event, in order (spec/README.md's table, after type, job_id, timestamp),
// then Jobstream's additions (a status's `attempt`).
const FIELDS: Record<MatchingEvent['type'], string[]> = {
  'matching.job.status': ['status', 'error_message', 'attempt'],
  'matching.job.criteria': ['criteria'],
  'matching.job.source_snippets': ['snippets'],
  'matching.job.target.search': ['target'],
  'matching.job.target.evaluation': ['target_id', 'target_name', 'average_score', 'coverage', 'evaluations'],
  'matching.job.target.candidate': [
    'target_id',
    'target_name',
    'score',
    'search_hit_ratio',
    'summary_reason',
  ],
  'matching.job.match.persisted': [
    'match_id',
    'target_id',
    'target_name',
    'rank',
    'score',
    'search_hit_ratio',
  ],
};

function of<S extends z.ZodType>(schema: S, event: MatchingEvent | undefined): z.infer<S> {
  return schema.parse(event);
}

test('a full run: every event in the documented order, with exactly the documented fields', async () => {
  const publisher = collectingPublisher();
  const outcome = await runMatching(JOB, INPUT, {
    evaluator: new LocalEvaluator(),
    publisher,
    signal: live(),
    now: steppingClock(),
  });
  const events = publisher.events;
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'matching.job.status',
      'matching.job.criteria',
      'matching.job.source_snippets',
      ...['bakery', 'acme'].flatMap(() => [
        'matching.job.target.search',
        'matching.job.target.evaluation',
        'matching.job.target.candidate',
      ]),
      'matching.job.match.persisted',
      'matching.job.match.persisted',
      'matching.job.status',
    ],
  );

  // Every event: its schema (strict: nothing missing, nothing extra), its key order, its clock.
  for (const [i, event] of events.entries()) {
    MatchingEventSchema.parse(event);
    assert.deepEqual(Object.keys(event), ['type', 'job_id', 'timestamp', ...FIELDS[event.type]], event.type);
    assert.equal(event.job_id, JOB);
    assert.equal(event.timestamp, new Date(Date.parse('2025-03-28T17:10:54.000Z') + i).toISOString());
    assert.match(event.timestamp, /Z$/u);
  }

  const [running, criteria, sources] = events;
  assert.deepEqual(of(MatchingStatusEventSchema, running), {
    ...running,
    status: 'running',
    error_message: null,
  });
  const plan = of(MatchingCriteriaEventSchema, criteria).criteria;
  assert.deepEqual(plan, [
    {
      id: 'backend',
      label: 'Backend engineering',
      guidance: 'TypeScript and Node.js services',
      weight: 1,
      source_snippet_limit: 3,
      target_snippet_limit: 3,
    },
    {
      id: 'db',
      label: 'Databases',
      guidance: 'PostgreSQL schema design and queries',
      weight: 2,
      source_snippet_limit: 3,
      target_snippet_limit: 3,
    },
    {
      id: 'lead',
      label: 'Team leadership',
      guidance: null,
      weight: 1,
      source_snippet_limit: 3,
      target_snippet_limit: 1,
    },
  ]);
  for (const c of plan) {
    assert.deepEqual(Object.keys(c), [
      'id',
      'label',
      'guidance',
      'weight',
      'source_snippet_limit',
      'target_snippet_limit',
    ]);
  }
  const snippets = of(MatchingSourceSnippetsEventSchema, sources).snippets;
  assert.deepEqual(
    snippets.map((s) => s.criterion_id),
    ['backend', 'db', 'lead'],
  );
  assert.ok(snippets.every((s) => s.snippet_count >= 1 && s.snippet_count <= 3));

  // Per target: search, evaluation and candidate agree with each other.
  for (const [t, target] of INPUT.targets.entries()) {
    const base = 3 + 3 * t;
    const search = of(MatchingTargetSearchEventSchema, events[base]).target;
    const evaluation = of(MatchingTargetEvaluationEventSchema, events[base + 1]);
    const candidate = of(MatchingTargetCandidateEventSchema, events[base + 2]);
    assert.deepEqual(Object.keys(search), ['target_id', 'target_name', 'total_hits', 'hits']);
    assert.equal(search.target_id, target.id);
    assert.equal(search.target_name, target.name);
    assert.equal(
      search.total_hits,
      search.hits.reduce((s, h) => s + h.hit_count, 0),
    );
    const ratio = search.hits.filter((h) => h.hit_count > 0).length / search.hits.length;
    assert.equal(evaluation.target_id, target.id);
    assert.equal(evaluation.target_name, target.name);
    assert.equal(evaluation.coverage, ratio);
    assert.deepEqual(
      evaluation.evaluations.map((e) => [e.criterion_id, e.criterion_label]),
      plan.map((c) => [c.id, c.label]),
    );
    for (const e of evaluation.evaluations) {
      assert.deepEqual(Object.keys(e), ['criterion_id', 'criterion_label', 'rating', 'reason']);
      assert.ok(e.reason.length > 0);
    }
    const worth: Record<Rating, number> = { GOOD: 3, NEUTRAL: 2, BAD: 1 };
    const mean = evaluation.evaluations.reduce((s, e) => s + worth[e.rating], 0) / 3;
    assert.equal(evaluation.average_score, mean);
    assert.equal(candidate.target_id, target.id);
    assert.equal(candidate.score, evaluation.average_score);
    assert.equal(candidate.search_hit_ratio, evaluation.coverage);
    assert.equal(candidate.summary_reason, evaluation.evaluations.map((e) => e.reason).join('\n'));
  }
  const bakery = of(MatchingTargetEvaluationEventSchema, events[4]);
  assert.deepEqual(
    bakery.evaluations.map((e) => e.rating),
    ['BAD', 'BAD', 'BAD'],
  );
  const acme = of(MatchingTargetEvaluationEventSchema, events[7]);
  assert.equal(acme.evaluations[0]!.rating, 'GOOD');
  assert.equal(acme.coverage, 1);

  // Persisted: rank 1 first, by descending score; the same matches the run resolves with.
  const persisted = events.slice(9, 11).map((e) => of(MatchingMatchPersistedEventSchema, e));
  assert.deepEqual(
    persisted.map((p) => [p.rank, p.target_id]),
    [
      [1, 'acme'],
      [2, 'bakery'],
    ],
  );
  assert.ok(persisted[0]!.score > persisted[1]!.score);
  assert.notEqual(persisted[0]!.match_id, persisted[1]!.match_id);
  assert.deepEqual(
    outcome.matches.map(({ summary_reason: _s, ...m }) => m),
    persisted.map(({ type: _t, job_id: _j, timestamp: _ts, ...m }) => m),
  );
  for (const m of outcome.matches) assert.match(m.match_id, UUID);
  assert.equal(outcome.matches[0]!.summary_reason, acme.evaluations.map((e) => e.reason).join('\n'));

  assert.deepEqual(of(MatchingStatusEventSchema, events.at(-1)), {
    ...events.at(-1),
    status: 'complete',
    error_message: null,
  });
});

/** An evaluator that rates by a table, for ranking tests. */
function scripted(ratings: Record<string, Rating>): Evaluator {
  return {
    evaluate: ({ target }) => Promise.resolve({ rating: ratings[target.id]!, reason: `rated ${target.id}` }),
  };
}

test('ranking: ties on score go to the higher search_hit_ratio, then to the earlier target', async () => {
  const input: MatchingInput = {
    ...INPUT,
    targets: [
      { id: 'b1', name: 'Bakery one', text: BAKERY },
      { id: 'a1', name: 'Acme one', text: ACME },
      { id: 'b2', name: 'Bakery two', text: BAKERY },
      { id: 'top', name: 'Top', text: BAKERY },
    ],
  };
  const { matches } = await runMatching(JOB, input, {
    evaluator: scripted({ b1: 'NEUTRAL', a1: 'NEUTRAL', b2: 'NEUTRAL', top: 'GOOD' }),
    publisher: nullPublisher,
    signal: live(),
  });
  assert.deepEqual(
    matches.map((m) => [m.rank, m.target_id, m.score]),
    [
      [1, 'top', 3],
      [2, 'a1', 2],
      [3, 'b1', 2],
      [4, 'b2', 2],
    ],
  );
});

test('persist runs before the first match.persisted; progress advances to 100', async () => {
  const publisher = collectingPublisher();
  const log: string[] = [];
  const progress: [MatchingPhase, number][] = [];
  await runMatching(JOB, INPUT, {
    evaluator: new LocalEvaluator(),
    publisher: {
      publish: async (e) => {
        log.push(e.type);
        await publisher.publish(e);
      },
    },
    signal: live(),
    persist: (matches) => {
      log.push(`persist ${matches.length}`);
      return Promise.resolve();
    },
    onProgress: (phase, percent) => {
      progress.push([phase, percent]);
    },
  });
  assert.equal(log.indexOf('persist 2'), log.indexOf('matching.job.match.persisted') - 1);
  const percents = progress.map(([, p]) => p);
  assert.deepEqual(
    percents,
    [...percents].sort((a, b) => a - b),
  );
  assert.deepEqual(progress.at(-1), ['persist', 100]);
  assert.deepEqual(
    [...new Set(progress.map(([p]) => p))],
    ['criteria', 'source_snippets', 'targets', 'persist'],
  );
});

test('an evaluator error: status failed with its message is the last event, and the run rejects', async () => {
  const publisher = collectingPublisher();
  const failing: Evaluator = {
    evaluate: () => Promise.reject(new EvaluatorError('timeout', 'LLM evaluator timed out after 20000 ms')),
  };
  await assert.rejects(
    runMatching(JOB, INPUT, { evaluator: failing, publisher, signal: live() }),
    /timed out after 20000 ms/u,
  );
  const types = publisher.events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 4), [
    'matching.job.status',
    'matching.job.criteria',
    'matching.job.source_snippets',
    'matching.job.target.search',
  ]);
  assert.equal(types.length, 5);
  const last = of(MatchingStatusEventSchema, publisher.events.at(-1));
  assert.equal(last.status, 'failed');
  assert.equal(last.error_message, 'LLM evaluator timed out after 20000 ms');
});

test('a long error message is cut to 1000 characters', async () => {
  const publisher = collectingPublisher();
  const failing: Evaluator = { evaluate: () => Promise.reject(new Error('x'.repeat(5000))) };
  await assert.rejects(runMatching(JOB, INPUT, { evaluator: failing, publisher, signal: live() }));
  const last = of(MatchingStatusEventSchema, publisher.events.at(-1));
  assert.equal(last.error_message!.length, 1000);
});

test('abort: the run ends with status failed "cancelled" and stops evaluating', async () => {
  const controller = new AbortController();
  const publisher = collectingPublisher();
  let calls = 0;
  const slow: Evaluator = {
    evaluate: (_input, signal) => {
      calls++;
      if (calls === 2) controller.abort();
      signal.throwIfAborted();
      return Promise.resolve({ rating: 'GOOD', reason: 'fine' });
    },
  };
  await assert.rejects(runMatching(JOB, INPUT, { evaluator: slow, publisher, signal: controller.signal }));
  assert.equal(calls, 2);
  const last = of(MatchingStatusEventSchema, publisher.events.at(-1));
  assert.deepEqual([last.status, last.error_message], ['failed', 'cancelled']);
  assert.ok(!publisher.events.some((e) => e.type === 'matching.job.match.persisted'));

  // Aborted before it starts: only the failed status.
  const early = collectingPublisher();
  await assert.rejects(
    runMatching(JOB, INPUT, {
      evaluator: new LocalEvaluator(),
      publisher: early,
      signal: AbortSignal.abort(),
    }),
  );
  assert.deepEqual(
    early.events.map((e) => [e.type, 'status' in e ? e.status : null]),
    [['matching.job.status', 'failed']],
  );
});

test('the null publisher broadcasts nothing and changes nothing in the run', async () => {
  assert.equal(await nullPublisher.publish(collectingPublisher().events[0]!), undefined);
  const ids = (n: number) => () => `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`;
  const quiet = await runMatching(JOB, INPUT, {
    evaluator: new LocalEvaluator(),
    publisher: nullPublisher,
    signal: live(),
    newId: ids(1),
  });
  const loud = await runMatching(JOB, INPUT, {
    evaluator: new LocalEvaluator(),
    publisher: collectingPublisher(),
    signal: live(),
    newId: ids(1),
  });
  assert.deepEqual(quiet, loud);
});

test('mean rating: 3/2/1 per rating, 0 with no evaluations', () => {
  assert.equal(meanRating([]), 0);
  assert.equal(meanRating([{ rating: 'GOOD' }, { rating: 'BAD' }]), 2);
  assert.equal(meanRating([{ rating: 'NEUTRAL' }]), 2);
});

test('parseMatchingInput: accepts a resolved input, rejects duplicate ids and missing parts', () => {
  assert.deepEqual(parseMatchingInput(INPUT), INPUT);
  const dup = { ...INPUT, targets: [INPUT.targets[0], INPUT.targets[0]] };
  assert.throws(() => parseMatchingInput(dup), /target ids must be unique/u);
  assert.throws(() => parseMatchingInput({ ...INPUT, criteria: [] }));
  assert.throws(() => parseMatchingInput({ source: { text: 'x' }, targets: [], criteria: [] }));
});
