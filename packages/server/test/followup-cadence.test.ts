import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addBusinessDays } from '../src/domain/followup-cadence.js';
import { signUp, watcher, type TestUser } from './helpers/api.js';
import { startServer } from './helpers/server.js';

interface Followup {
  followup_id: number;
  application_id: number | null;
  followup_type: string;
  scheduled_date: string;
  status: string;
}
interface Timeline {
  application_id: number;
  entries: {
    kind: string;
    actor_id: string | null;
    actor_name: string | null;
    detail: Record<string, unknown>;
    at: string;
  }[];
}

const at = (iso: string) => addBusinessDays(new Date(iso), 5).toISOString();

test('business days skip Saturdays and Sundays', () => {
  // 2026-12-04 is a Friday.
  assert.equal(at('2026-12-04T10:00:00.000Z'), '2026-12-11T10:00:00.000Z', 'Friday + 5 = next Friday');
  assert.equal(at('2026-12-07T10:00:00.000Z'), '2026-12-14T10:00:00.000Z', 'Monday + 5 = next Monday');
  assert.equal(at('2026-12-05T10:00:00.000Z'), '2026-12-11T10:00:00.000Z', 'Saturday + 5 = Friday');
  assert.equal(
    addBusinessDays(new Date('2026-12-03T23:30:00.000Z'), 1).toISOString(),
    '2026-12-04T23:30:00.000Z',
    'Thursday + 1 = Friday',
  );
  assert.equal(
    addBusinessDays(new Date('2026-12-04T23:30:00.000Z'), 1).toISOString(),
    '2026-12-07T23:30:00.000Z',
    'Friday + 1 = Monday',
  );
});

async function followups(seeker: TestUser): Promise<Followup[]> {
  const list = await seeker.call<Followup[]>('GET', '/api/v1/followups');
  assert.equal(list.status, 200);
  return list.body;
}

test('applying proposes a follow-up FOLLOWUP_DAYS business days on; each move pushes it on, a final status cancels it; the timeline keeps every step', async (t) => {
  const server = await startServer(t, { FOLLOWUP_DAYS: '3', SCHEDULER_TICK_MS: '50' });
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const bo = await signUp(server.url, 'Bo', 'job_seeker');
  const job = await rita.call<{ id: number }>('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'SRE' });
  const made = await ada.call<{ id: number; created_at: string }>('POST', '/api/v1/applications', {
    posting_id: job.body.id,
  });
  assert.equal(made.status, 201);
  const appId = made.body.id;

  const [proposed, ...more] = await followups(ada);
  assert.equal(more.length, 0);
  assert.equal(proposed?.application_id, appId);
  assert.equal(proposed.followup_type, 'check_in');
  assert.equal(proposed.status, 'pending');
  assert.equal(proposed.scheduled_date, addBusinessDays(new Date(made.body.created_at), 3).toISOString());
  assert.notEqual(new Date(proposed.scheduled_date).getUTCDay(), 0);
  assert.notEqual(new Date(proposed.scheduled_date).getUTCDay(), 6);

  // The application moves first: the follow-up moves on from the move.
  const moved = await rita.call<{ updated_at: string }>('PATCH', `/api/v1/applications/${appId}/status`, {
    status: 'reviewing',
  });
  assert.equal(moved.status, 200);
  const [rescheduled] = await followups(ada);
  assert.equal(rescheduled?.followup_id, proposed.followup_id);
  assert.equal(rescheduled.scheduled_date, addBusinessDays(new Date(moved.body.updated_at), 3).toISOString());

  // When its time comes, followup.due fires as for any follow-up.
  const socket = await watcher(t, server.wsUrl, ada.token, [`user:${ada.id}`]);
  await server.server.store.db
    .updateTable('followups')
    .set({ scheduled_date: new Date(Date.now() + 3_600_000).toISOString() })
    .where('id', '=', proposed.followup_id)
    .execute();
  const due = await socket.next('event', (m) => m.event === 'followup.due');
  assert.equal((due.data as { followup_id: number }).followup_id, proposed.followup_id);
  // …and it waits in her inbox, urgent (a push while she is away).
  const inbox = await ada.call<{ items: { kind: string; urgent: boolean; summary: string }[] }>(
    'GET',
    '/api/v1/inbox',
  );
  const dueItem = inbox.body.items.find((i) => i.kind === 'followup.due');
  assert.equal(dueItem?.urgent, true);
  assert.equal(dueItem.summary, 'Follow-up due: check_in with Acme (SRE)');

  // A final status cancels it.
  assert.equal(
    (await ada.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'withdrawn' })).status,
    200,
  );
  assert.deepEqual(await followups(ada), []);

  const timeline = await ada.call<Timeline>('GET', `/api/v1/applications/${appId}/timeline`);
  assert.equal(timeline.status, 200);
  assert.deepEqual(
    timeline.body.entries.map((e) => [e.kind, e.actor_name]),
    [
      ['applied', 'Ada'],
      ['followup_scheduled', null],
      ['status_changed', 'Rita'],
      ['followup_rescheduled', null],
      ['followup_due', null],
      ['status_changed', 'Ada'],
      ['followup_cancelled', null],
    ],
  );
  const times = timeline.body.entries.map((e) => e.at);
  assert.deepEqual(times, [...times].sort(), 'in the order they happened');
  assert.deepEqual(timeline.body.entries[5]?.detail, { old_status: 'reviewing', new_status: 'withdrawn' });

  // The posting's recruiter reads it too; another seeker does not learn it exists.
  assert.equal((await rita.call('GET', `/api/v1/applications/${appId}/timeline`)).status, 200);
  assert.equal((await bo.call('GET', `/api/v1/applications/${appId}/timeline`)).status, 404);
  assert.equal((await bo.call('GET', '/api/v1/applications/999999/timeline')).status, 404);
});

test('interviews and follow-ups made by hand are on the timeline; the cadence leaves a hand-made follow-up alone', async (t) => {
  const server = await startServer(t);
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const job = await rita.call<{ id: number }>('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'SRE' });
  const appId = (await ada.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: job.body.id }))
    .body.id;
  const when = new Date(Date.now() + 5 * 86_400_000).toISOString();
  const interview = await rita.call<{ interview_id: number }>('POST', '/api/v1/interviews', {
    application_id: appId,
    interview_type: 'technical',
    scheduled_date: when,
  });
  assert.equal(interview.status, 201);
  assert.equal(
    (await rita.call('POST', `/api/v1/interviews/${interview.body.interview_id}/cancel`)).status,
    200,
  );
  const note = await ada.call<{ followup_id: number }>('POST', '/api/v1/followups', {
    application_id: appId,
    followup_type: 'thank_you',
    scheduled_date: when,
  });
  assert.equal(note.status, 201);
  assert.equal((await ada.call('POST', `/api/v1/followups/${note.body.followup_id}/sent`)).status, 200);
  assert.equal(
    (await rita.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'rejected' })).status,
    200,
  );

  const timeline = (await ada.call<Timeline>('GET', `/api/v1/applications/${appId}/timeline`)).body;
  assert.deepEqual(
    timeline.entries.map((e) => e.kind),
    [
      'applied',
      'followup_scheduled',
      'interview_scheduled',
      'interview_cancelled',
      'followup_scheduled',
      'followup_sent',
      'status_changed',
      'followup_cancelled',
    ],
  );
  assert.equal(timeline.entries[2]?.actor_id, rita.id);
  assert.equal(timeline.entries[2]?.detail.scheduled_date, when);
  // The hand-made follow-up stays; the cadence's is gone.
  assert.deepEqual(
    (await followups(ada)).map((f) => [f.followup_type, f.status]),
    [['thank_you', 'sent']],
  );
});
