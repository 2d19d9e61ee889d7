import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

/** What a client of the original REST API posts: the documents' fields and a few more. */
const originalClientJob = {
  company: 'Test Corp',
  job_title: 'Test Engineer',
  job_description: 'Test job',
  job_url: 'https://test.com/job/123',
  location: 'Test City',
  source: 'test',
  salary_min: 90_000,
  salary_max: 120_000,
  notes: 'Referred by Sam; follow up Friday.',
  job_type: 'full-time',
  remote: true,
};

test('POST /api/v1/jobs keeps salary range and notes, ignores unknown fields with warnings', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const call = api(url);
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  await client.subscribe('postings');

  const created = await call<Record<string, unknown>>('POST', '/api/v1/jobs', originalClientJob);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.salary_min, 90_000);
  assert.equal(created.body.salary_max, 120_000);
  assert.equal(created.body.notes, 'Referred by Sam; follow up Friday.');
  assert.deepEqual(created.body.warnings, [
    'ignored unknown field "job_type"',
    'ignored unknown field "remote"',
  ]);
  assert.equal('job_type' in created.body, false);

  const read = await call<Record<string, unknown>>('GET', `/api/v1/jobs/${String(created.body.id)}`);
  assert.equal(read.body.salary_min, 90_000);
  assert.equal(read.body.notes, 'Referred by Sam; follow up Friday.');
  assert.equal('warnings' in read.body, false);

  const event = await client.next('event', (m) => m.event === 'posting.created');
  const posting = (event.data as { posting: Record<string, unknown> }).posting;
  assert.equal(posting.salary_min, 90_000);
  assert.equal(posting.salary_max, 120_000);

  const patched = await call<Record<string, unknown>>('PATCH', `/api/v1/jobs/${String(created.body.id)}`, {
    salary_max: 130_000,
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.salary_max, 130_000);
  const updated = await client.next('event', (m) => m.event === 'posting.updated');
  assert.deepEqual((updated.data as { changes: string[] }).changes, ['salary_max']);

  // A plain posting has no warnings.
  const plain = await call<Record<string, unknown>>('POST', '/api/v1/jobs', { company: 'A', job_title: 'B' });
  assert.equal(plain.status, 201);
  assert.equal('warnings' in plain.body, false);
  assert.equal(plain.body.salary_min, null);
});

test('a known field of the wrong type or value is still refused', async (t) => {
  const { url } = await startServer(t);
  const call = api(url);
  for (const bad of [
    { salary_min: '90k' },
    { salary_min: -1 },
    { salary_min: 120_000, salary_max: 90_000 },
    { notes: 42 },
    { location: ['x'] },
  ]) {
    const res = await call<{ error: { code: string; message: string } }>('POST', '/api/v1/jobs', {
      company: 'Acme',
      job_title: 'Engineer',
      ...bad,
    });
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.equal(res.body.error.code, 'invalid_message');
  }
  const list = await call<{ total: number }>('GET', '/api/v1/jobs');
  assert.equal(list.body.total, 0, 'nothing stored');
});
