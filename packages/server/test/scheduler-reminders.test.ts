import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ChannelsEventMessage } from '@jobstream/protocol';
import { Reminders } from '../src/work/reminders.js';
import { signUp, watcher, type TestUser } from './helpers/api.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';
import { storeBackends } from './helpers/store-backends.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A seeker's application to a fresh posting at Google, ready for interviews and follow-ups. */
async function applied(seeker: TestUser): Promise<{ jobId: number; applicationId: number }> {
  const posting = await seeker.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Google',
    job_title: 'Senior Software Engineer',
  });
  const application = await seeker.call<{ id: number }>('POST', '/api/v1/applications', {
    posting_id: posting.body.id,
  });
  assert.equal(application.status, 201);
  return { jobId: posting.body.id, applicationId: application.body.id };
}

async function interviewAt(seeker: TestUser, applicationId: number, at: number): Promise<number> {
  const made = await seeker.call<{ interview_id: number }>('POST', '/api/v1/interviews', {
    application_id: applicationId,
    interview_type: 'technical',
    scheduled_date: new Date(at).toISOString(),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.interview_id;
}

async function channels(t: TestContext, wsUrl: string, token: string, list: string): Promise<TestClient> {
  const client = new TestClient(`${wsUrl}/api/v1/ws?token=${token}&channels=${list}`);
  t.after(() => client.ws.terminate());
  await client.next('system.connected');
  return client;
}

const reminders = (client: TestClient): Message[] =>
  client.events().filter((m) => m.event === 'interview.reminder');

test('interview reminders come 1 day, 1 hour and 15 minutes before, each once, also across a restart', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const env = { DATABASE_URL: databaseUrl, SCHEDULER_TICK_MS: '100' };
  const first = await startServer(t, env);
  const ada = await signUp(first.url, 'Ada', 'job_seeker');
  const { jobId, applicationId } = await applied(ada);
  const native = await watcher(t, first.wsUrl, ada.token, [`user:${ada.id}`]);
  const channelClient = await channels(t, first.wsUrl, ada.token, 'interviews');

  const now = Date.now();
  const inADay = await interviewAt(ada, applicationId, now + 24 * HOUR - 1000); // its 1-day mark just passed
  const inAnHour = await interviewAt(ada, applicationId, now + HOUR + 1500); // the 1-hour mark is 1.5 s away
  const inAQuarter = await interviewAt(ada, applicationId, now + 15 * MINUTE + 1500);
  const soon = await interviewAt(ada, applicationId, now + 5 * MINUTE); // booked at short notice
  await interviewAt(ada, applicationId, now + 48 * HOUR); // nothing yet
  await sleep(3000);

  const got = reminders(native).map((m) => {
    const data = m.data as { interview_id: number; reminder: string; time_until: string };
    return `${data.interview_id} ${data.reminder} ${data.time_until}`;
  });
  assert.deepEqual(
    got.sort(),
    [
      `${inADay} 1d 1 day`,
      `${inAnHour} 1h 1 hour`,
      `${inAQuarter} 15m 15 minutes`,
      `${soon} 15m 5 minutes`,
    ].sort(),
  );

  // channels.md's interview.reminder, as its clients read it.
  const documented = channelClient.received.filter((m) => m.type === 'interview.reminder');
  assert.equal(documented.length, 4);
  for (const message of documented) ChannelsEventMessage.parse(message);
  const quarter = documented.find((m) => (m.data as { interview_id: number }).interview_id === inAQuarter);
  assert.ok(quarter);
  assert.deepEqual(
    { ...(quarter.data as Record<string, unknown>), scheduled_date: undefined },
    {
      interview_id: inAQuarter,
      job_id: jobId,
      company: 'Google',
      job_title: 'Senior Software Engineer',
      interview_type: 'technical',
      scheduled_date: undefined,
      duration_minutes: 60,
      calendar_event_id: null,
      time_until: '15 minutes',
    },
  );

  // A restart sends none of them again.
  await first.server.close();
  const second = await startServer(t, env);
  await sleep(800);
  const sent = await second.server.store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', 'interview.reminder')
    .executeTakeFirstOrThrow();
  assert.equal(Number(sent.n), 4);
});

test('a rescheduled interview gets its reminders again; a cancelled one gets none', async (t) => {
  const { url, wsUrl } = await startServer(t, { SCHEDULER_TICK_MS: '100' });
  const ada = await signUp(url, 'Ada', 'job_seeker');
  const { applicationId } = await applied(ada);
  const native = await watcher(t, wsUrl, ada.token, [`user:${ada.id}`]);
  const moved = await interviewAt(ada, applicationId, Date.now() + 10 * MINUTE);
  const cancelled = await interviewAt(ada, applicationId, Date.now() + 20 * HOUR);
  assert.equal((await ada.call('POST', `/api/v1/interviews/${cancelled}/cancel`)).status, 200);
  await native.next('event', (m) => m.event === 'interview.reminder');
  const patched = await ada.call('PATCH', `/api/v1/interviews/${moved}`, {
    scheduled_date: new Date(Date.now() + 12 * MINUTE).toISOString(),
  });
  assert.equal(patched.status, 200);
  await sleep(600);
  const got = reminders(native).map((m) => (m.data as { interview_id: number }).interview_id);
  assert.deepEqual(got, [moved, moved]);
});

test('a follow-up coming due is announced once, with hours_until_due', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const env = { DATABASE_URL: databaseUrl, SCHEDULER_TICK_MS: '100' };
  const first = await startServer(t, env);
  const ada = await signUp(first.url, 'Ada', 'job_seeker');
  const { jobId, applicationId } = await applied(ada);
  const channelClient = await channels(t, first.wsUrl, ada.token, 'followups');
  const due = await ada.call<{ followup_id: number }>('POST', '/api/v1/followups', {
    application_id: applicationId,
    followup_type: 'post_application',
    scheduled_date: new Date(Date.now() + 1.6 * HOUR).toISOString(),
  });
  assert.equal(due.status, 201);
  await ada.call('POST', '/api/v1/followups', {
    application_id: applicationId,
    scheduled_date: new Date(Date.now() + 30 * HOUR).toISOString(),
  });
  const message = await channelClient.next('followup.due');
  ChannelsEventMessage.parse(message);
  assert.deepEqual(
    { ...(message.data as Record<string, unknown>), scheduled_date: undefined },
    {
      followup_id: due.body.followup_id,
      job_id: jobId,
      company: 'Google',
      job_title: 'Senior Software Engineer',
      followup_type: 'post_application',
      scheduled_date: undefined,
      hours_until_due: 2,
    },
  );
  await first.server.close();
  const second = await startServer(t, env);
  const again = await channels(t, second.wsUrl, ada.token, 'followups');
  await sleep(600);
  assert.equal(
    again.received.filter((m) => m.type === 'followup.due').length,
    0,
    'not again after a restart',
  );
});

// Several nodes share PostgreSQL (SQLite is one node's store).
for (const backend of (await storeBackends()).filter((b) => b.name === 'postgres')) {
  test(
    `[${backend.name}] two nodes ticking at once send each reminder once`,
    { skip: backend.skip },
    async (t) => {
      const database = await backend.database(t);
      const [a, b] = [await database.open(), await database.open()];
      const stamp = new Date().toISOString();
      const user = await a.db
        .insertInto('users')
        .values({
          id: '00000000-0000-4000-8000-000000000001',
          email: 'ada@example.test',
          password_hash: 'x',
          name: 'Ada',
          role: 'job_seeker',
          created_at: stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const posting = await a.db
        .insertInto('postings')
        .values({
          company: 'Google',
          job_title: 'SWE',
          job_description: '',
          job_url: null,
          location: null,
          source: 'manual',
          source_id: null,
          skills_required: '[]',
          posted_by: null,
          created_at: stamp,
          updated_at: stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const application = await a.db
        .insertInto('applications')
        .values({
          posting_id: posting.id,
          user_id: user.id,
          status: 'pending',
          cover_letter: null,
          created_at: stamp,
          updated_at: stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const now = Date.now();
      for (let i = 0; i < 20; i++) {
        await a.db
          .insertInto('interviews')
          .values({
            application_id: application.id,
            user_id: user.id,
            posting_id: posting.id,
            interview_type: 'technical',
            scheduled_date: new Date(now + 14 * MINUTE + i * 1000).toISOString(),
            duration_minutes: 60,
            status: 'scheduled',
            calendar_event_id: null,
            notes: null,
            created_at: stamp,
            updated_at: stamp,
          })
          .execute();
        await a.db
          .insertInto('followups')
          .values({
            user_id: user.id,
            posting_id: posting.id,
            application_id: application.id,
            followup_type: 'check_in',
            scheduled_date: new Date(now + HOUR).toISOString(),
            status: 'pending',
            notes: null,
            due_notified_at: null,
            sent_at: null,
            created_at: stamp,
          })
          .execute();
      }
      const [sentA, sentB] = await Promise.all([new Reminders(a).send(now), new Reminders(b).send(now)]);
      assert.equal(sentA + sentB, 40, `each of 20 reminders and 20 follow-ups once (${sentA} + ${sentB})`);
      const rows = await a.db
        .selectFrom('outbox')
        .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('type')
        .orderBy('type')
        .execute();
      assert.deepEqual(
        rows.map((r) => `${r.type} ${Number(r.n)}`),
        ['followup.due 20', 'interview.reminder 20'],
      );
    },
  );
}
