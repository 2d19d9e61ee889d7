import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicEvent } from '@jobstream/client';
import type { Posting, WorkJob } from '@jobstream/protocol';
import {
  POSTINGS_SHOWN,
  emptyQueue,
  emptyUser,
  foldPosting,
  foldQueue,
  foldScrape,
  foldUser,
  latestBySource,
  mergePostings,
  mergeQueue,
  mergeRuns,
  newer,
  shownRecommendations,
  putPosting,
} from '../src/state.js';

const posting = (id: number, updated_at = '2026-01-01T00:00:00.000Z'): Posting => ({
  id,
  company: 'Acme',
  job_title: `Job ${id}`,
  job_description: '',
  job_url: null,
  location: null,
  source: 'manual',
  sources: ['manual'],
  skills_required: [],
  is_active: true,
  salary_min: null,
  salary_max: null,
  notes: null,
  posted_by: null,
  created_at: updated_at,
  updated_at,
});

const event = <T extends string>(topic: T, seq: number, type: string, data: unknown) =>
  ({
    id: `${topic}@${seq}`,
    topic,
    seq,
    type,
    ts: '2026-01-01T00:00:00.000Z',
    data,
  }) as unknown as TopicEvent<T>;

const work = (id: string, kind: WorkJob['kind'], updated_at: string): WorkJob => ({
  id,
  kind,
  status: 'running',
  phase: null,
  progress: 0,
  error_message: null,
  retries: 0,
  max_retries: 3,
  owner: null,
  created_at: updated_at,
  updated_at,
  started_at: null,
  finished_at: null,
  result: null,
});

test('postings: newest first, bounded, and a stale REST answer never hides a live update', () => {
  let feed = mergePostings([], [posting(1), posting(2)]);
  feed = foldPosting(feed, event('postings', 1, 'posting.created', { posting: posting(3) }));
  assert.deepEqual(
    feed.map((p) => p.posting.id),
    [3, 2, 1],
  );
  const changed = { ...posting(1, '2026-01-02T00:00:00.000Z'), job_title: 'Renamed' };
  feed = foldPosting(
    feed,
    event('postings', 2, 'posting.updated', { posting: changed, changes: ['job_title'] }),
  );
  feed = mergePostings(feed, [posting(1)]); // an older answer
  assert.equal(feed.find((p) => p.posting.id === 1)?.posting.job_title, 'Renamed');
  assert.deepEqual(feed.find((p) => p.posting.id === 1)?.live?.changes, ['job_title']);
  for (let id = 10; id < 100; id++) feed = putPosting(feed, { posting: posting(id) });
  assert.equal(feed.length, POSTINGS_SHOWN);
  assert.equal(feed[0]?.posting.id, 99);
});

test('queue: stats by arrival, jobs by id, matching runs kept apart', () => {
  let view = foldQueue(
    emptyQueue,
    event('queue', 1, 'work.created', work('m', 'matching', '2026-01-01T00:00:01Z')),
  );
  for (let i = 0; i < 30; i++) {
    view = foldQueue(
      view,
      event('queue', i + 2, 'work.progress', work(`a${i}`, 'analysis', `2026-01-01T00:01:${10 + i}Z`)),
    );
  }
  assert.equal(view.jobs.length, 12);
  assert.ok(!view.jobs.some((j) => j.id === 'm'), 'pushed out of the recent jobs');
  assert.deepEqual(
    view.runs.map((r) => r.id),
    ['m'],
  );
  const stats = {
    pending: 1,
    in_progress: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    paused: 0,
    total: 1,
    throughput_per_min: 0,
    mean_duration_ms: 0,
  };
  view = foldQueue(view, event('queue', 99, 'queue.stats', stats), 1000);
  assert.equal(
    mergeQueue(view, { ...stats, pending: 7 }, [], 500).stats?.value.pending,
    1,
    'an older load loses',
  );
  assert.equal(mergeQueue(view, { ...stats, pending: 7 }, [], 2000).stats?.value.pending, 7);
});

test('scrapes: a completion closes its source’s open run; the latest run per source', () => {
  let runs = foldScrape(
    [],
    event('scrapes', 1, 'scrape.started', { source: 'b', expected_duration_seconds: 1 }),
  );
  runs = foldScrape(
    runs,
    event('scrapes', 2, 'scrape.started', { source: 'a', expected_duration_seconds: 1 }),
  );
  const done = { source: 'b', jobs_found: 4, new_jobs: 1, updated_jobs: 2, errors: 0, duration_seconds: 0.2 };
  runs = foldScrape(runs, event('scrapes', 3, 'scrape.completed', done));
  assert.deepEqual(
    latestBySource(runs).map((r) => [r.source, r.completed?.new_jobs]),
    [
      ['a', undefined],
      ['b', 1],
    ],
  );
});

test('user events: analyses and recommendations in words; .new joins the known, .updated replaces', () => {
  let view = foldUser(emptyUser, {
    id: 'user:u@1',
    type: 'analysis.completed',
    ts: '2026-01-01T00:00:00Z',
    data: { company: 'Acme', job_title: 'Dev', match_score: 72.5, recommendation: 'apply_now' },
  });
  assert.equal(view.activity[0]?.title, 'Analysed: Dev at Acme');
  assert.equal(view.activity[0]?.detail, 'match 72.5 / 100 · apply now');
  const rec = (job_id: number, score: number) => ({
    job_id,
    company: 'Acme',
    job_title: `J${job_id}`,
    score,
  });
  view = foldUser(view, {
    id: 'user:u@2',
    type: 'recommendations.new',
    ts: '2026-01-01T00:00:01Z',
    data: { count: 2, top_recommendations: [rec(1, 50), rec(2, 90)], generated_at: '2026-01-01T00:00:01Z' },
  });
  view = foldUser(view, {
    id: 'user:u@3',
    type: 'recommendations.new',
    ts: '2026-01-01T00:00:02Z',
    data: { count: 1, top_recommendations: [rec(3, 70)], generated_at: '2026-01-01T00:00:02Z' },
  });
  assert.deepEqual(
    view.recommendations?.items.map((r) => r.job_id),
    [2, 3, 1],
  );
  view = foldUser(view, {
    id: 'user:u@4',
    type: 'recommendations.updated',
    ts: '2026-01-01T00:00:03Z',
    data: { top_recommendations: [rec(3, 71)], generated_at: '2026-01-01T00:00:03Z' },
  });
  assert.deepEqual(view.recommendations?.items, [rec(3, 71)]);
  assert.equal(view.activity.length, 4);
  const loaded = { items: [rec(9, 99)], generated_at: '2026-01-01T00:00:04Z' };
  assert.equal(newer(view.recommendations, loaded), loaded);
  assert.equal(foldUser(view, { id: 'x', type: 'profile.updated', ts: '', data: {} }), view, 'not listed');
});

test('the first live recommendations.new joins the 10 loaded over REST instead of replacing them', () => {
  const rec = (job_id: number, score: number) => ({
    job_id,
    company: 'Acme',
    job_title: `J${job_id}`,
    score,
  });
  const loaded = {
    items: Array.from({ length: 10 }, (_, i) => rec(i + 1, 90 - i)),
    generated_at: '2026-01-01T00:00:00Z',
  };
  const view = foldUser(emptyUser, {
    id: 'user:u@1',
    type: 'recommendations.new',
    ts: '2026-01-01T00:00:05Z',
    data: { count: 1, top_recommendations: [rec(42, 85)], generated_at: '2026-01-01T00:00:05Z' },
  });
  const shown = shownRecommendations(loaded, view.recommendations)?.items ?? [];
  assert.equal(shown.length, 10, 'still ten');
  assert.deepEqual(
    shown.slice(0, 7).map((r) => r.job_id),
    [1, 2, 3, 4, 5, 42, 6],
  );
  // A whole list that arrives live replaces what was loaded.
  const whole = foldUser(view, {
    id: 'user:u@2',
    type: 'recommendations.updated',
    ts: '2026-01-01T00:00:06Z',
    data: { top_recommendations: [rec(42, 86)], generated_at: '2026-01-01T00:00:06Z' },
  });
  assert.deepEqual(shownRecommendations(loaded, whole.recommendations)?.items, [rec(42, 86)]);
});

test("own runs: the queue's redacted copy never hides the whole one; the user's topic brings them whole", () => {
  const at = '2026-01-01T00:00:05Z';
  const whole = { ...work('m', 'matching', at), owner: 'me', result: { matches: 2 } };
  const redacted = { ...work('m', 'matching', at), redacted: true as const };
  let view = mergeQueue(emptyQueue, undefined, [whole]);
  view = foldQueue(view, event('queue', 1, 'work.completed', redacted));
  assert.equal(view.runs[0]?.owner, 'me', 'the same transition, redacted, loses');
  const later = { ...redacted, updated_at: '2026-01-01T00:00:09Z' };
  view = foldQueue(view, event('queue', 2, 'work.progress', later));
  assert.equal(view.runs[0]?.updated_at, later.updated_at, 'a later transition wins');

  const mine = foldUser(emptyUser, event('user:me', 1, 'work.created', { ...whole, status: 'queued' }));
  assert.deepEqual(
    mine.runs.map((r) => [r.id, r.owner]),
    [['m', 'me']],
  );
  assert.equal(mine.activity.length, 0, 'work is no activity line');
  assert.deepEqual(
    mergeRuns([], mine.runs).map((r) => r.id),
    ['m'],
  );
});
