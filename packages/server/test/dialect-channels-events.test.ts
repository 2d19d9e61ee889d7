import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ChannelsEventMessage } from '@jobstream/protocol';
import { describeTimeUntil } from '@jobstream/protocol';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

const PATH = '/api/v1/ws';
const CONTROL = /^system\.(connected|subscribed|unsubscribed|channels|ping|pong|stats|error)$/;

async function connect(t: TestContext, url: string): Promise<TestClient> {
  const client = new TestClient(url);
  t.after(() => client.ws.terminate());
  await client.next('system.connected');
  return client;
}

/** The events a client received (not the control messages), each checked against the schemas. */
function eventsOf(client: TestClient): Message[] {
  const events = client.received.filter((m) => !CONTROL.test(m.type));
  for (const event of events) ChannelsEventMessage.parse(event);
  return events;
}
const typesOf = (client: TestClient): string[] => eventsOf(client).map((m) => m.type);

/** An event's data, after checking the envelope {type, data, timestamp, event_id}. */
function dataOf(message: Message): Record<string, unknown> {
  assert.deepEqual(Object.keys(message).sort(), ['data', 'event_id', 'timestamp', 'type']);
  assert.match(String(message.event_id), /^[a-z]+(:[0-9a-f-]+)?@\d+$/);
  return message.data as Record<string, unknown>;
}

test('REST writes reach every device of their user, channel subscribers and everyone as documented', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [ada, bo, rita] = await Promise.all([
    signUp(url, 'Ada', 'job_seeker'),
    signUp(url, 'Bo', 'job_seeker'),
    signUp(url, 'Rita', 'recruiter'),
  ]);
  const all = 'jobs,applications,recommendations,skills,followups,interviews,system';
  const phone = await connect(t, `${wsUrl}${PATH}?user_id=${ada.id}&channels=jobs&token=${ada.token}`);
  const laptop = await connect(t, `${wsUrl}${PATH}?token=${ada.token}`);
  // Claims Ada's user_id without credentials: sees what anyone sees, none of Ada's events.
  const spy = await connect(t, `${wsUrl}${PATH}?user_id=${ada.id}&channels=${all}`);
  const boClient = await connect(t, `${wsUrl}${PATH}?token=${bo.token}&channels=${all}`);
  const ritaClient = await connect(t, `${wsUrl}${PATH}?token=${rita.token}`);

  const posting = await rita.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Google',
    job_title: 'Senior Software Engineer',
    job_description: 'Build things',
    location: 'Mountain View, CA',
    source: 'linkedin',
  });
  assert.equal(posting.status, 201);
  const jobId = posting.body.id;
  const created = await phone.next('job.created');
  assert.deepEqual(dataOf(created), {
    job_id: jobId,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    location: 'Mountain View, CA',
    source: 'linkedin',
  });
  assert.equal(created.event_id, 'postings@1');

  const applied = await ada.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: jobId });
  assert.equal(applied.status, 201);
  const appId = applied.body.id;
  for (const device of [phone, laptop, ritaClient]) {
    const updated = dataOf(await device.next('application.updated'));
    assert.deepEqual(
      { ...updated, timestamp: undefined },
      {
        application_id: appId,
        job_id: jobId,
        company: 'Google',
        job_title: 'Senior Software Engineer',
        status: 'pending',
        applicant_name: 'Ada',
        timestamp: undefined,
      },
    );
  }

  const moved = await rita.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'reviewing' });
  assert.equal(moved.status, 200);
  for (const device of [phone, laptop]) {
    const changed = dataOf(await device.next('application.status_changed'));
    assert.match(String(changed.timestamp), /Z$/);
    assert.deepEqual(changed, {
      application_id: appId,
      job_id: jobId,
      company: 'Google',
      job_title: 'Senior Software Engineer',
      old_status: 'pending',
      new_status: 'reviewing',
      timestamp: changed.timestamp,
    });
  }

  const when = '2030-11-15T14:00:00.000Z';
  const interview = await rita.call<{ interview_id: number }>('POST', '/api/v1/interviews', {
    application_id: appId,
    interview_type: 'technical',
    scheduled_date: when,
    duration_minutes: 90,
    calendar_event_id: 'cal_abc123',
  });
  assert.equal(interview.status, 201);
  const ivId = interview.body.interview_id;
  const scheduled = {
    interview_id: ivId,
    job_id: jobId,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    interview_type: 'technical',
    scheduled_date: when,
    duration_minutes: 90,
    calendar_event_id: 'cal_abc123',
  };
  assert.deepEqual(dataOf(await laptop.next('interview.scheduled')), scheduled);
  const later = '2030-11-16T14:00:00.000Z';
  assert.equal(
    (await rita.call('PATCH', `/api/v1/interviews/${ivId}`, { scheduled_date: later })).status,
    200,
  );
  assert.deepEqual(dataOf(await laptop.next('interview.updated')), {
    ...scheduled,
    scheduled_date: later,
    status: 'scheduled',
    changes: ['scheduled_date'],
  });
  assert.equal((await ada.call('POST', `/api/v1/interviews/${ivId}/cancel`)).status, 200);
  const cancelled = await laptop.next(
    'interview.updated',
    (m) => (m.data as { status: string }).status === 'cancelled',
  );
  assert.deepEqual(dataOf(cancelled), {
    ...scheduled,
    scheduled_date: later,
    status: 'cancelled',
    changes: ['status'],
  });

  const followup = await ada.call<{ followup_id: number }>('POST', '/api/v1/followups', {
    application_id: appId,
    followup_type: 'post_application',
    scheduled_date: '2030-11-14T17:00:00.000Z',
  });
  assert.equal(followup.status, 201);
  const fuId = followup.body.followup_id;
  assert.equal((await ada.call('POST', `/api/v1/followups/${fuId}/sent`)).status, 200);
  const sent = dataOf(await phone.next('followup.sent'));
  assert.match(String(sent.sent_at), /Z$/);
  assert.deepEqual(sent, {
    followup_id: fuId,
    job_id: jobId,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    followup_type: 'post_application',
    scheduled_date: '2030-11-14T17:00:00.000Z',
    sent_at: sent.sent_at,
  });

  // Notifications: to Ada, to job seekers, to everyone.
  const notify = (body: Record<string, unknown>) => rita.call('POST', '/api/v1/notifications', body);
  assert.equal((await notify({ user_id: ada.id, message: 'Hello Ada', priority: 'high' })).status, 201);
  assert.equal(
    (await notify({ role: 'job_seeker', message: 'Seekers!', data: { severity: 'info' } })).status,
    201,
  );
  const everyone = {
    message: 'System maintenance in 5 minutes',
    notification_type: 'maintenance',
    data: { severity: 'warning', action_required: false },
  };
  assert.equal((await notify(everyone)).status, 201);
  const broadcast = (m: Message) => (m.data as { message: string }).message === everyone.message;
  for (const client of [phone, laptop, spy, boClient, ritaClient])
    await client.next('system.notification', broadcast);
  assert.deepEqual(dataOf(spy.received.find((m) => m.type === 'system.notification')!), {
    message: 'System maintenance in 5 minutes',
    severity: 'warning',
    action_required: false,
    notification_type: 'maintenance',
    priority: 'normal',
  });
  const toAda = laptop.received.find((m) => m.type === 'system.notification')!;
  assert.deepEqual(dataOf(toAda), {
    message: 'Hello Ada',
    severity: 'warning',
    action_required: false,
    notification_type: 'general',
    priority: 'high',
  });
  await sleep(100);

  const adaEvents = [
    'application.updated',
    'application.status_changed',
    'interview.scheduled',
    'interview.updated',
    'interview.updated',
    'followup.sent',
    'system.notification',
    'system.notification',
    'system.notification',
  ];
  assert.deepEqual(typesOf(phone), ['job.created', ...adaEvents], 'phone: jobs channel + Ada’s events');
  assert.deepEqual(typesOf(laptop), adaEvents, 'laptop: no channels, still every Ada event');
  assert.deepEqual(
    typesOf(spy),
    ['job.created', 'system.notification'],
    'no credentials: none of Ada’s events',
  );
  assert.deepEqual(typesOf(boClient), ['job.created', 'system.notification', 'system.notification']);
  assert.deepEqual(
    typesOf(ritaClient),
    ['application.updated', 'application.status_changed', 'system.notification'],
    'the recruiter: the application and its status change on their posting',
  );
});

test('jobs channel: job.created only while subscribed; posting.updated is not part of this API', async (t) => {
  const { server, wsUrl } = await startServer(t);
  const client = await connect(t, `${wsUrl}${PATH}`);
  const posting = (id: number) => ({
    posting: {
      id,
      company: 'Google',
      job_title: 'Senior Software Engineer',
      job_description: 'Build things',
      job_url: null,
      location: 'Mountain View, CA',
      source: 'linkedin',
      skills_required: [],
      is_active: true,
      posted_by: null,
      created_at: '2025-11-14T15:00:00.000Z',
      updated_at: '2025-11-14T15:00:00.000Z',
    },
  });
  await server.hub.publish({ topic: 'postings', type: 'posting.created', data: posting(41) });
  const subscribed = client.upcoming('system.subscribed');
  client.send({ action: 'subscribe', channel: 'jobs' });
  await subscribed;
  await server.hub.publish({ topic: 'postings', type: 'posting.created', data: posting(42) });
  await server.hub.publish({
    topic: 'postings',
    type: 'posting.updated',
    data: { ...posting(42), changes: ['x'] },
  });
  const created = await client.next('job.created');
  assert.deepEqual(created, {
    type: 'job.created',
    data: {
      job_id: 42,
      company: 'Google',
      job_title: 'Senior Software Engineer',
      location: 'Mountain View, CA',
      source: 'linkedin',
    },
    timestamp: created.timestamp,
    event_id: 'postings@2',
  });
  const unsubscribed = client.upcoming('system.unsubscribed');
  client.send({ action: 'unsubscribe', channel: 'jobs' });
  await unsubscribed;
  await server.hub.publish({ topic: 'postings', type: 'posting.created', data: posting(43) });
  await sleep(100);
  assert.deepEqual(
    eventsOf(client).map((m) => (m.data as { job_id: number }).job_id),
    [42],
  );
});

test('analysis, recommendation, skill-gap, follow-up, reminder and maintenance events as the document shows them', async (t) => {
  const { server, url, wsUrl } = await startServer(t);
  const [ada, bo] = await Promise.all([signUp(url, 'Ada', 'job_seeker'), signUp(url, 'Bo', 'job_seeker')]);
  const device = await connect(t, `${wsUrl}${PATH}?token=${ada.token}&channels=jobs`);
  const other = await connect(t, `${wsUrl}${PATH}?token=${bo.token}&channels=jobs,skills,recommendations`);
  const publish = (type: string, data: unknown, topic = `user:${ada.id}`) =>
    server.hub.publish({ topic, type, data });

  // The canonical shapes the background work (issue 5) is expected to publish.
  await publish('analysis.started', { job_id: 42, company: 'Google', job_title: 'Senior Software Engineer' });
  const analysis = {
    job_id: 42,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    match_score: 85.5,
    recommendation: 'apply_now',
    strengths: ['Strong Python match', 'Location preference aligns'],
    concerns: ['Requires 7+ years experience'],
  };
  await publish('analysis.completed', analysis);
  const recommendations = {
    count: 10,
    top_recommendations: [
      { job_id: 50, company: 'Netflix', job_title: 'Backend Engineer', score: 92.5 },
      { job_id: 51, company: 'Uber', job_title: 'Staff Engineer', score: 88.3 },
    ],
    generated_at: '2025-11-14T15:10:00Z',
  };
  await publish('recommendations.new', recommendations);
  await publish('recommendations.updated', { ...recommendations, count: 2 });
  const skillGap = {
    job_id: 42,
    overall_match: 78.5,
    matching_skills: 8,
    missing_skills: 3,
    missing_skills_list: [
      { skill: 'Kubernetes', importance: 'high' },
      { skill: 'GraphQL', importance: 'medium' },
    ],
  };
  await publish('skill_gap.completed', skillGap);
  // A producer may send the lists themselves: the document's counts are their lengths.
  await publish('skill_gap.updated', {
    ...skillGap,
    matching_skills: ['Python', 'SQL'],
    missing_skills: undefined,
  });
  const followup = {
    followup_id: 10,
    job_id: 42,
    application_id: 7,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    followup_type: 'post_application',
    scheduled_date: new Date(Date.now() + 95 * 60_000).toISOString(),
    status: 'pending',
  };
  await publish('followup.due', followup);
  await publish('followup.due', { ...followup, hours_until_due: 5 });
  const interview = {
    interview_id: 5,
    application_id: 7,
    job_id: 42,
    company: 'Google',
    job_title: 'Senior Software Engineer',
    interview_type: 'technical',
    scheduled_date: new Date(Date.now() + 15 * 60_000).toISOString(),
    duration_minutes: 90,
    calendar_event_id: 'cal_abc123',
    status: 'scheduled',
  };
  await publish('interview.reminder', interview);
  await publish('interview.reminder', { ...interview, time_until: '1 day' });
  await publish(
    'system.maintenance',
    { message: 'Down for upgrade', starts_at: '2025-11-14T16:00:00Z' },
    'system',
  );
  await publish('profile.updated', { user_id: ada.id });
  await publish('followup.created', followup);

  await device.next('system.maintenance');
  await sleep(100);
  const events = eventsOf(device);
  assert.deepEqual(
    events.map((m) => [m.type, m.data]),
    [
      ['job.analyzing', { job_id: 42, company: 'Google', job_title: 'Senior Software Engineer' }],
      [
        'job.analyzed',
        {
          job_id: 42,
          match_score: 85.5,
          recommendation: 'apply_now',
          strengths: ['Strong Python match', 'Location preference aligns'],
          concerns: ['Requires 7+ years experience'],
        },
      ],
      ['recommendations.new', recommendations],
      ['recommendations.updated', { ...recommendations, count: 2 }],
      ['skill_gap.completed', skillGap],
      ['skill_gap.updated', { ...skillGap, matching_skills: 2, missing_skills: 2 }],
      [
        'followup.due',
        {
          followup_id: 10,
          job_id: 42,
          company: 'Google',
          job_title: 'Senior Software Engineer',
          followup_type: 'post_application',
          scheduled_date: followup.scheduled_date,
          hours_until_due: 2,
        },
      ],
      ['followup.due', { ...(events[6]?.data as object), hours_until_due: 5 }],
      [
        'interview.reminder',
        {
          interview_id: 5,
          job_id: 42,
          company: 'Google',
          job_title: 'Senior Software Engineer',
          interview_type: 'technical',
          scheduled_date: interview.scheduled_date,
          duration_minutes: 90,
          calendar_event_id: 'cal_abc123',
          time_until: '15 minutes',
        },
      ],
      ['interview.reminder', { ...(events[8]?.data as object), time_until: '1 day' }],
      ['system.maintenance', { message: 'Down for upgrade', starts_at: '2025-11-14T16:00:00Z' }],
    ],
  );
  for (const event of events) dataOf(event);
  assert.deepEqual(typesOf(other), ['system.maintenance'], 'Bo gets none of Ada’s events');
});

test('time_until reads like the document’s reminders', () => {
  assert.equal(describeTimeUntil(15 * 60_000 - 40), '15 minutes');
  assert.equal(describeTimeUntil(60 * 60_000), '1 hour');
  assert.equal(describeTimeUntil(24 * 3_600_000), '1 day');
  assert.equal(describeTimeUntil(3 * 24 * 3_600_000), '3 days');
  assert.equal(describeTimeUntil(60_000), '1 minute');
  assert.equal(describeTimeUntil(-5_000), '0 minutes');
});
