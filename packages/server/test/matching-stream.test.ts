import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { CloseCode } from '@jobstream/protocol';
import { MatchingEventSchema } from '@jobstream/protocol';
import { api, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';

const resume = `Backend engineer. Built TypeScript services on Node.js with PostgreSQL.
Led a team of four engineers. Ran Kubernetes clusters in production.`;
const criteria = [
  { id: 'lang', label: 'TypeScript and Node.js', guidance: 'services written in TypeScript on Node.js' },
  { id: 'db', label: 'PostgreSQL databases' },
  {
    id: 'ops',
    label: 'Kubernetes operations',
    weight: 0.5,
    source_snippet_limit: 2,
    target_snippet_limit: 2,
  },
];

/** Every message a matching socket receives until it closes or the run ends. */
function collect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const messages: Record<string, unknown>[] = [];
  const done = new Promise<{ code: number }>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      messages.push(message);
      if (message.type === 'matching.job.status' && ['complete', 'failed'].includes(String(message.status)))
        ws.close();
    });
    ws.on('close', (code) => resolve({ code }));
    ws.on('error', () => {});
  });
  return { ws, messages, done };
}

test('a matching run streams its events in order at /ws/matching-jobs/{id}, and keeps them', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const owner = await signUp(url, 'Mia', 'recruiter');
  const posting = await owner.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Backend Engineer',
    job_description: 'TypeScript on Node.js. PostgreSQL. Some Kubernetes.',
  });
  const started = await owner.call<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'Résumé', text: resume },
    targets: [
      { name: 'Bakery', text: 'Bake bread at dawn. Decorate cakes.' },
      { posting_id: posting.body.id },
    ],
    criteria,
  });
  assert.equal(started.status, 202);
  const jobId = started.body.job_id;

  for (const path of [`/ws/matching-jobs/${jobId}`, `/ws/matching-jobs/${jobId}/`]) {
    const stream = collect(`${wsUrl}${path}?token=${owner.token}`);
    stream.ws.on('open', () => stream.ws.send('{"type":"anything"}')); // ignored: broadcast-only
    await stream.done;
    const types = stream.messages.map(
      (m) => `${String(m.type)}${m.type === 'matching.job.status' ? `:${String(m.status)}` : ''}`,
    );
    assert.deepEqual(types, [
      'matching.job.status:queued',
      'matching.job.status:running',
      'matching.job.criteria',
      'matching.job.source_snippets',
      'matching.job.target.search',
      'matching.job.target.evaluation',
      'matching.job.target.candidate',
      'matching.job.target.search',
      'matching.job.target.evaluation',
      'matching.job.target.candidate',
      'matching.job.match.persisted',
      'matching.job.match.persisted',
      'matching.job.status:complete',
    ]);
    for (const message of stream.messages) {
      assert.equal(message.job_id, jobId);
      const { event_id, ...payload } = message;
      assert.match(String(event_id), /^\d+$/, 'the id the event is kept under');
      MatchingEventSchema.parse(payload); // every documented field, nothing renamed
    }
    const persisted = stream.messages.filter((m) => m.type === 'matching.job.match.persisted');
    assert.deepEqual(
      persisted.map((m) => [m.rank, m.target_name]),
      [
        [1, 'Backend Engineer at Acme'],
        [2, 'Bakery'],
      ],
    );
  }

  const matches = await owner.call<{ rank: number; target_id: string }[]>(
    'GET',
    `/api/v1/matching-jobs/${jobId}/matches`,
  );
  assert.deepEqual(
    matches.body.map((m) => [m.rank, m.target_id]),
    [
      [1, String(posting.body.id)],
      [2, matches.body[1]?.target_id],
    ],
  );
  const updates = await owner.call<{ id: number; event_type: string; payload: { type: string } }[]>(
    'GET',
    `/api/matching-jobs/${jobId}/updates/?limit=3`,
  );
  assert.equal(updates.status, 200);
  assert.deepEqual(
    updates.body.map((u) => u.event_type),
    ['matching.job.status', 'matching.job.match.persisted', 'matching.job.match.persisted'],
  );
  assert.ok(updates.body[0]!.id > updates.body[1]!.id, 'newest first');
  const streamed = collect(`${wsUrl}/ws/matching-jobs/${jobId}?token=${owner.token}`);
  await streamed.done;
  assert.deepEqual(
    streamed.messages.slice(-3).map((m) => Number(m.event_id)),
    updates.body.map((u) => u.id).reverse(),
    'event_id is the update’s id',
  );
  assert.equal(
    (await owner.call('GET', `/api/matching-jobs/${jobId}/updates?limit=500`)).status,
    400,
    'at most 200',
  );
});

test('a job_id that is not a UUID, does not exist or is not yours closes with 4001', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const owner = await signUp(url, 'Ola', 'recruiter');
  const other = await signUp(url, 'Pat', 'recruiter');
  const started = await owner.call<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'A', text: 'TypeScript' },
    targets: [{ name: 'B', text: 'TypeScript' }],
    criteria: [{ id: 'c', label: 'TypeScript' }],
  });
  for (const [path, token] of [
    ['/ws/matching-jobs/not-a-uuid', owner.token],
    ['/ws/matching-jobs/8dc1f15e-52bd-4a4c-9f7a-40dd6aacd21e', owner.token],
    [`/ws/matching-jobs/${started.body.job_id}`, other.token],
    [`/ws/matching-jobs/${started.body.job_id}`, ''],
  ] as const) {
    const { done } = collect(`${wsUrl}${path}${token ? `?token=${token}` : ''}`);
    assert.equal((await done).code, CloseCode.authFailed, path);
  }
  assert.equal((await other.call('GET', `/api/v1/matching-jobs/${started.body.job_id}/matches`)).status, 404);

  // An anonymous run may be watched by anyone, as anonymous work is.
  const anonymous = await api(url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'A', text: 'Go and Rust' },
    targets: [{ id: 't1', name: 'B', text: 'Rust services' }],
    criteria: [{ id: 'c', label: 'Rust' }],
  });
  const watch = collect(`${wsUrl}/ws/matching-jobs/${anonymous.body.job_id}`);
  await watch.done;
  assert.equal(watch.messages.at(-1)?.status, 'complete');
});
