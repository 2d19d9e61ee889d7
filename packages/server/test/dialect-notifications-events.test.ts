import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { createUserService } from '../src/domain/users.js';
import { matchMessage, statusPhrase } from '../src/gateway/dialects/notifications-render.js';
import { logIn, signUp, type TestUser } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { TestClient, type Message } from './helpers/ws-client.js';

const offsetTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;

/** A notifications client for `user`, once `connection_established` has arrived. */
async function connect(t: TestContext, wsUrl: string, user: TestUser): Promise<TestClient> {
  const client = new TestClient(`${wsUrl}/ws/notifications/?token=${user.token}`);
  t.after(() => client.ws.terminate());
  await client.next('connection_established');
  return client;
}

/** Checks a message against the document's example: every field it shows, and nothing else but `extra`. */
function assertShape(message: Message, expected: Record<string, unknown>, extra: string[] = []): void {
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'timestamp') assert.match(String(message.timestamp), offsetTime);
    else assert.deepEqual(message[key], value, `${message.type}.${key}`);
  }
  const keys = Object.keys(message).filter((k) => !(k in expected) && k !== 'event_id');
  assert.deepEqual(keys.sort(), extra.sort(), `${message.type}: fields beyond the document's`);
  assert.match(String(message.event_id), /^[a-z:0-9_-]+@\d+$/i);
}

/** What a client received, but the pongs that `settle` asked for. */
const types = (client: TestClient): string[] =>
  client.received.map((m) => m.type).filter((type) => type !== 'pong');

/** Waits for a pong on each client: whatever was queued for it before has arrived. */
async function settle(clients: TestClient[]): Promise<void> {
  await Promise.all(
    clients.map((client) => {
      const pong = client.upcoming('pong');
      client.send({ type: 'ping' });
      return pong;
    }),
  );
}

async function setUp(t: TestContext) {
  const { url, wsUrl, server } = await startServer(t);
  const admin = await createUserService(server.store.db).createUser({
    email: 'root@example.test',
    password: 'password-123',
    role: 'admin',
    name: 'Root',
  });
  const [ada, bo, rita, ray, root] = await Promise.all([
    signUp(url, 'Ada', 'job_seeker'),
    signUp(url, 'Bo', 'job_seeker'),
    signUp(url, 'Rita', 'recruiter'),
    signUp(url, 'Ray', 'recruiter'),
    logIn(url, admin.email),
  ]);
  return { url, wsUrl, server, ada, bo, rita, ray, root };
}

/** An everyone-notification, which every connection receives after all that was published before. */
async function barrier(root: TestUser, clients: TestClient[], label: string): Promise<void> {
  const seen = clients.map((c) => c.upcoming('notification', (m) => m.message === label));
  assert.equal((await root.call('POST', '/api/v1/notifications', { message: label })).status, 201);
  await Promise.all(seen);
}

test('REST writes reach the right users as the document shapes them, and no one else', async (t) => {
  const { wsUrl, ada, bo, rita, ray, root } = await setUp(t);
  const [wAda, wBo, wRita, wRay, wRoot] = await Promise.all([
    connect(t, wsUrl, ada),
    connect(t, wsUrl, bo),
    connect(t, wsUrl, rita),
    connect(t, wsUrl, ray),
    connect(t, wsUrl, root),
  ]);
  const everyone = [wAda, wBo, wRita, wRay, wRoot];

  // job_posted: the document's example, to job seekers (and admins), not to recruiters.
  const posted = await rita.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Tech Corp',
    job_title: 'Software Engineer',
    location: 'Remote',
    skills_required: ['Python', 'Django', 'React'],
  });
  assert.equal(posted.status, 201);
  const jobId = posted.body.id;
  for (const client of [wAda, wBo, wRoot]) {
    assertShape(await client.next('job_posted'), {
      type: 'job_posted',
      message: 'New job posted: Software Engineer at Tech Corp',
      job_id: jobId,
      job_title: 'Software Engineer',
      company: 'Tech Corp',
      location: 'Remote',
      timestamp: '',
      data: { skills_required: ['Python', 'Django', 'React'] },
    });
  }

  // application_received: to the posting's recruiter only.
  const applied = await ada.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: jobId });
  assert.equal(applied.status, 201);
  const appId = applied.body.id;
  assertShape(
    await wRita.next('application_received'),
    {
      type: 'application_received',
      message: 'New application received from Ada for Software Engineer',
      application_id: appId,
      job_id: jobId,
      applicant_name: 'Ada',
      timestamp: '',
      data: { job_title: 'Software Engineer', company: 'Tech Corp', applicant_id: ada.id },
    },
    [],
  );

  // application_status_changed: to the applicant only, with the document's phrases.
  const steps: [string, TestUser, string][] = [
    ['reviewing', rita, 'has been reviewed'],
    ['interviewing', rita, 'has an interview scheduled'],
    ['offer_received', rita, 'status changed to offer_received'],
    ['accepted', ada, 'has been accepted! Congratulations!'],
  ];
  let old = 'pending';
  for (const [status, actor, phrase] of steps) {
    const next = wAda.upcoming('application_status_changed');
    const changed = await actor.call('PATCH', `/api/v1/applications/${appId}/status`, { status });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assertShape(
      await next,
      {
        type: 'application_status_changed',
        message: `Your application for Software Engineer ${phrase}`,
        application_id: appId,
        old_status: old,
        new_status: status,
        job_title: 'Software Engineer',
        timestamp: '',
      },
      ['job_id', 'company'],
    );
    old = status;
  }
  const bosApp = await bo.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: jobId });
  const rejected = wBo.upcoming('application_status_changed');
  await rita.call('PATCH', `/api/v1/applications/${bosApp.body.id}/status`, { status: 'rejected' });
  assert.equal((await rejected).message, 'Your application for Software Engineer was not selected this time');

  // notification: to a user, to a role, to everyone.
  const toAda = await root.call('POST', '/api/v1/notifications', {
    user_id: ada.id,
    message: 'Your profile has been updated',
    notification_type: 'success',
  });
  assert.equal(toAda.status, 201);
  assertShape(
    await wAda.next('notification'),
    {
      type: 'notification',
      message: 'Your profile has been updated',
      notification_type: 'success',
      priority: 'normal',
      timestamp: '',
      data: {},
    },
    ['notification_id'],
  );
  await rita.call('POST', '/api/v1/notifications', {
    role: 'recruiter',
    message: 'Recruiters: new dashboard',
    priority: 'high',
    data: { link: '/dashboard' },
  });
  for (const client of [wRita, wRay]) {
    const note = await client.next('notification', (m) => m.message === 'Recruiters: new dashboard');
    assert.equal(note.priority, 'high');
    assert.deepEqual(note.data, { link: '/dashboard' });
  }
  await barrier(root, everyone, 'Maintenance tonight');

  // Nobody received what was not theirs.
  assert.deepEqual(types(wAda), [
    'connection_established',
    'job_posted',
    ...steps.map(() => 'application_status_changed'),
    'notification',
    'notification',
  ]);
  assert.deepEqual(types(wBo), [
    'connection_established',
    'job_posted',
    'application_status_changed',
    'notification',
  ]);
  assert.deepEqual(types(wRita), [
    'connection_established',
    'application_received',
    'application_received',
    'notification',
    'notification',
  ]);
  assert.deepEqual(types(wRay), ['connection_established', 'notification', 'notification']);
  assert.deepEqual(types(wRoot), ['connection_established', 'job_posted', 'notification']);
});

test('match_score_calculated from analysis.completed, to its user only', async (t) => {
  const { wsUrl, server, ada, bo, root } = await setUp(t);
  const [wAda, wBo] = await Promise.all([connect(t, wsUrl, ada), connect(t, wsUrl, bo)]);
  const analysis = (user: string, score: number | undefined) =>
    server.hub.publish({
      topic: `user:${user}`,
      type: 'analysis.completed',
      data: {
        user_id: user,
        job_id: 7,
        job_title: 'Software Engineer',
        company: 'Tech Corp',
        match_score: score,
      },
    });
  await analysis(ada.id, 87.5);
  assertShape(
    await wAda.next('match_score_calculated'),
    {
      type: 'match_score_calculated',
      message: 'Excellent match! 87.5% compatibility with Software Engineer',
      job_id: 7,
      job_title: 'Software Engineer',
      match_score: 87.5,
      timestamp: '',
    },
    ['company'],
  );
  await analysis(ada.id, undefined); // an analysis without a score is no match notification
  await analysis(ada.id, 64);
  assert.equal(
    (await wAda.next('match_score_calculated', (m) => m.match_score === 64)).message,
    'Good match! 64.0% compatibility with Software Engineer',
  );
  await barrier(root, [wAda, wBo], 'sync');
  assert.deepEqual(types(wAda), [
    'connection_established',
    'match_score_calculated',
    'match_score_calculated',
    'notification',
  ]);
  assert.deepEqual(types(wBo), ['connection_established', 'notification']);
});

test('the document’s own examples: status phrases and match messages', () => {
  assert.equal(statusPhrase('pending'), 'is under review');
  assert.equal(statusPhrase('reviewed'), 'has been reviewed');
  assert.equal(statusPhrase('interview_scheduled'), 'has an interview scheduled');
  assert.equal(statusPhrase('accepted'), 'has been accepted! Congratulations!');
  assert.equal(statusPhrase('rejected'), 'was not selected this time');
  assert.equal(statusPhrase('withdrawn'), 'status changed to withdrawn');
  assert.equal(
    matchMessage(87.5, 'Software Engineer'),
    'Excellent match! 87.5% compatibility with Software Engineer',
  );
  assert.equal(matchMessage(80, 'X'), 'Excellent match! 80.0% compatibility with X');
  assert.equal(matchMessage(60, 'X'), 'Good match! 60.0% compatibility with X');
  assert.equal(matchMessage(59.9, 'X'), 'Match score calculated: 59.9% compatibility with X');
});

test('subscribe and unsubscribe really filter what a connection receives', async (t) => {
  const { wsUrl, server, ada, root } = await setUp(t);
  const [all, onlyMatch, noPostings, onlySuccess] = await Promise.all([
    connect(t, wsUrl, ada),
    connect(t, wsUrl, ada),
    connect(t, wsUrl, ada),
    connect(t, wsUrl, ada),
  ]);
  const confirm = async (client: TestClient, type: string, list: string[]) => {
    const answer = client.upcoming(`${type === 'subscribe' ? 'subscription' : 'unsubscription'}_confirmed`);
    client.send({ type, notification_types: list });
    await answer;
  };
  await confirm(onlyMatch, 'subscribe', ['match_score_calculated']);
  await confirm(noPostings, 'unsubscribe', ['job_posted']);
  await confirm(onlySuccess, 'subscribe', ['success']);

  await root.call('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'Dev' });
  await server.hub.publish({
    topic: `user:${ada.id}`,
    type: 'analysis.completed',
    data: { job_id: 1, job_title: 'Dev', company: 'Acme', match_score: 90 },
  });
  await root.call('POST', '/api/v1/notifications', {
    user_id: ada.id,
    message: 'ok',
    notification_type: 'success',
  });
  await root.call('POST', '/api/v1/notifications', {
    user_id: ada.id,
    message: 'fyi',
    notification_type: 'info',
  });
  // The hub hands each event to every connection at once: once one has the last, a pong on the others
  // comes after anything they were (wrongly) sent.
  await all.next('notification', (m) => m.message === 'fyi');
  await settle([noPostings, onlyMatch, onlySuccess]);

  assert.deepEqual(types(all).slice(1), [
    'job_posted',
    'match_score_calculated',
    'notification',
    'notification',
  ]);
  assert.deepEqual(types(noPostings).slice(2), ['match_score_calculated', 'notification', 'notification']);
  assert.deepEqual(types(onlySuccess).slice(2), ['notification']);
  assert.equal(onlySuccess.received.at(-2)?.message, 'ok');

  // Unsubscribing the only subscribed type leaves nothing; subscribing again brings it back.
  await confirm(onlyMatch, 'unsubscribe', ['match_score_calculated']);
  await confirm(onlyMatch, 'subscribe', ['notification']);
  const note = onlyMatch.upcoming('notification');
  await server.hub.publish({
    topic: `user:${ada.id}`,
    type: 'analysis.completed',
    data: { job_id: 1, job_title: 'Dev', company: 'Acme', match_score: 10 },
  });
  await root.call('POST', '/api/v1/notifications', { user_id: ada.id, message: 'after' });
  assert.equal((await note).message, 'after');
  await settle([onlyMatch]);
  assert.deepEqual(types(onlyMatch).slice(1), [
    'subscription_confirmed',
    'match_score_calculated',
    'unsubscription_confirmed',
    'subscription_confirmed',
    'notification',
  ]);
});
