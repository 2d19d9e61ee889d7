import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createUserService } from '../src/domain/users.js';
import { api, logIn, seen, signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { storeBackends } from './helpers/store-backends.js';
import { sleep, type TestClient } from './helpers/ws-client.js';

for (const backend of await storeBackends()) {
  describe(`REST writes stream their events (${backend.name})`, { skip: backend.skip }, () => {
    test('each write produces its event on the right topics, and only there', async (t) => {
      const db = await backend.database(t);
      const { url, wsUrl, server } = await startServer(t, { DATABASE_URL: db.url });
      const admin = await createUserService(server.store.db).createUser({
        email: 'root@example.test',
        password: 'password-123',
        role: 'admin',
        name: 'Root',
      });
      const [seekerA, seekerB, recruiter, root] = await Promise.all([
        signUp(url, 'Ada', 'job_seeker'),
        signUp(url, 'Bo', 'job_seeker'),
        signUp(url, 'Rita', 'recruiter'),
        logIn(url, admin.email),
      ]);
      const watchA = await watcher(t, wsUrl, seekerA.token, [
        `user:${seekerA.id}`,
        'role:job_seeker',
        'system',
      ]);
      const watchB = await watcher(t, wsUrl, seekerB.token, [
        `user:${seekerB.id}`,
        'role:job_seeker',
        'system',
      ]);
      const watchR = await watcher(t, wsUrl, recruiter.token, [`user:${recruiter.id}`, 'role:recruiter']);
      const watchPostings = await watcher(t, wsUrl, undefined, ['postings']);

      // Postings: broadcast on `postings`.
      const created = await recruiter.call<{ id: number; posted_by: string }>('POST', '/api/v1/jobs', {
        company: 'Tech Corp',
        job_title: 'Software Engineer',
        job_description: 'Build things',
        job_url: 'https://example.test/jobs/1',
        location: 'Remote',
        source: 'manual',
        skills_required: ['TypeScript', 'SQL'],
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.posted_by, recruiter.id);
      const jobId = created.body.id;
      assert.equal(typeof jobId, 'number');
      const updated = await recruiter.call('PATCH', `/api/v1/jobs/${jobId}`, {
        job_title: 'Senior Software Engineer',
        location: 'Remote',
      });
      assert.equal(updated.status, 200);
      const postingEvents = await watchPostings.next('event', (m) => m.event === 'posting.updated');
      assert.deepEqual((postingEvents.data as { changes: string[] }).changes, ['job_title']);
      const first = watchPostings.events()[0]!;
      assert.equal(first.event, 'posting.created');
      assert.equal((first.data as { posting: { id: number; skills_required: string[] } }).posting.id, jobId);
      assert.deepEqual((first.data as { posting: { skills_required: string[] } }).posting.skills_required, [
        'TypeScript',
        'SQL',
      ]);

      // Profile: to its user.
      assert.equal(
        (
          await seekerA.call('PUT', '/api/v1/profile', {
            skills: ['TypeScript'],
            remote_preference: 'remote',
          })
        ).status,
        200,
      );
      await watchA.next('event', (m) => m.event === 'profile.updated');

      // Applications: created and status changes → applicant and recruiter.
      const applied = await seekerA.call<{ id: number; status: string }>('POST', '/api/v1/applications', {
        posting_id: jobId,
      });
      assert.equal(applied.status, 201);
      assert.equal(applied.body.status, 'pending');
      const appId = applied.body.id;
      assert.equal(
        (await seekerA.call('POST', '/api/v1/applications', { posting_id: jobId })).status,
        409,
        'applying twice',
      );
      const received = await watchR.next('event', (m) => m.event === 'application.created');
      assert.equal((received.data as { applicant_name: string }).applicant_name, 'Ada');
      assert.equal(
        (await recruiter.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'reviewing' }))
          .status,
        200,
      );
      const invalid = await recruiter.call<{ error: { code: string } }>(
        'PATCH',
        `/api/v1/applications/${appId}/status`,
        { status: 'accepted' },
      );
      assert.equal(invalid.status, 409);
      assert.equal(invalid.body.error.code, 'conflict');
      assert.equal(
        (await seekerB.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'withdrawn' })).status,
        404,
        'not B’s',
      );
      const changed = await watchA.next('event', (m) => m.event === 'application.status_changed');
      assert.deepEqual(
        [
          (changed.data as { old_status: string }).old_status,
          (changed.data as { new_status: string }).new_status,
        ],
        ['pending', 'reviewing'],
      );

      // Interviews: scheduled, rescheduled, cancelled → applicant.
      const when = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const interview = await recruiter.call<{ interview_id: number }>('POST', '/api/v1/interviews', {
        application_id: appId,
        interview_type: 'technical',
        scheduled_date: when,
        duration_minutes: 90,
      });
      assert.equal(interview.status, 201);
      const ivId = interview.body.interview_id;
      const later = new Date(Date.now() + 4 * 86_400_000).toISOString();
      assert.equal(
        (await recruiter.call('PATCH', `/api/v1/interviews/${ivId}`, { scheduled_date: later })).status,
        200,
      );
      assert.equal((await seekerA.call('POST', `/api/v1/interviews/${ivId}/cancel`)).status, 200);
      assert.equal(
        (await seekerA.call('POST', `/api/v1/interviews/${ivId}/cancel`)).status,
        409,
        'cancelled already',
      );
      await watchA.next('event', (m) => m.event === 'interview.cancelled');

      // Follow-ups → their seeker.
      const followup = await seekerA.call<{ followup_id: number }>('POST', '/api/v1/followups', {
        application_id: appId,
        followup_type: 'post_application',
        scheduled_date: later,
      });
      assert.equal(followup.status, 201);
      assert.equal(
        (await seekerA.call('POST', `/api/v1/followups/${followup.body.followup_id}/sent`)).status,
        200,
      );
      await watchA.next('event', (m) => m.event === 'followup.sent');

      // Notifications: a user, a role, everyone.
      assert.equal(
        (await root.call('POST', '/api/v1/notifications', { user_id: seekerB.id, message: 'Hello Bo' }))
          .status,
        201,
      );
      assert.equal(
        (await recruiter.call('POST', '/api/v1/notifications', { role: 'recruiter', message: 'Recruiters!' }))
          .status,
        201,
      );
      assert.equal(
        (await root.call('POST', '/api/v1/notifications', { message: 'Maintenance at noon' })).status,
        201,
      );
      assert.equal((await seekerA.call('POST', '/api/v1/notifications', { message: 'nope' })).status, 403);
      await watchA.next('event', (m) => m.event === 'system.notification');
      await watchB.next('event', (m) => m.event === 'system.notification');
      await watchR.next('event', (m) => m.event === 'notification');
      await sleep(100);

      // What background work adds (analyses, recommendations, the work itself) is tested with its pipelines.
      const written = (client: TestClient) =>
        seen(client).filter((e) => !/ (analysis|skill_gap|recommendations|work)\./.test(e));
      assert.deepEqual(seen(watchPostings), ['postings posting.created', 'postings posting.updated']);
      assert.deepEqual(written(watchA), [
        `user:${seekerA.id} profile.updated`,
        `user:${seekerA.id} application.created`,
        // The cadence's follow-up, proposed with the application.
        `user:${seekerA.id} followup.created`,
        `user:${seekerA.id} application.status_changed`,
        `user:${seekerA.id} interview.scheduled`,
        `user:${seekerA.id} interview.updated`,
        `user:${seekerA.id} interview.cancelled`,
        `user:${seekerA.id} followup.created`,
        `user:${seekerA.id} followup.sent`,
        'system system.notification',
      ]);
      assert.deepEqual(written(watchB), [`user:${seekerB.id} notification`, 'system system.notification']);
      assert.deepEqual(seen(watchR), [
        `user:${recruiter.id} application.created`,
        `user:${recruiter.id} application.status_changed`,
        'role:recruiter notification',
      ]);
    });
  });
}

test('bad bodies get 400 with the field errors; unknown ids 404; Idempotency-Key creates once', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const anon = api(url);
  const bad = await anon<{ error: { code: string; fields: { path: string }[] } }>('POST', '/api/v1/jobs', {
    company: '',
    job_url: 'not a url',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_message');
  assert.deepEqual(bad.body.error.fields.map((f) => f.path).sort(), ['company', 'job_title', 'job_url']);
  assert.equal((await anon('GET', '/api/v1/jobs/999')).status, 404);
  assert.equal((await anon('GET', '/api/v1/jobs/abc')).status, 400);

  const watch = await watcher(t, wsUrl, undefined, ['postings']);
  const body = {
    company: 'Test Corp',
    job_title: 'Test Engineer',
    job_description: 'Test job',
    job_url: 'https://test.com/job/123',
    location: 'Test City',
    source: 'test',
  };
  // Keys are kept per signed-in caller (anonymous requests do not take part).
  const { call } = await signUp(url, 'Poster', 'recruiter');
  const first = await call<{ id: number }>('POST', '/api/v1/jobs', body, { 'idempotency-key': 'abc-1' });
  const retry = await call<{ id: number }>('POST', '/api/v1/jobs', body, { 'idempotency-key': 'abc-1' });
  assert.equal(first.status, 201);
  assert.equal(retry.status, 201);
  assert.equal(retry.body.id, first.body.id);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  const reused = await call(
    'PATCH',
    `/api/v1/jobs/${first.body.id}`,
    { location: 'Elsewhere' },
    { 'idempotency-key': 'abc-1' },
  );
  assert.equal(reused.status, 409, 'a key reused for another request');
  const list = await anon<{ items: unknown[]; total: number }>('GET', '/api/v1/jobs?company=Test%20Corp');
  assert.equal(list.body.total, 1);
  await sleep(100);
  assert.equal(watch.events().length, 1, 'one posting.created for the retried POST');
});

test('simultaneous requests with one Idempotency-Key do the work once; the others are told it is in progress', async (t) => {
  const { url } = await startServer(t);
  const anon = api(url);
  const { call } = await signUp(url, 'Racer', 'recruiter');
  const body = { company: 'Race Corp', job_title: 'Engineer' };
  const answers = await Promise.all(
    Array.from({ length: 12 }, () =>
      call<{ id?: number }>('POST', '/api/v1/jobs', body, { 'idempotency-key': 'race-1' }),
    ),
  );
  const created = answers.filter((a) => a.status === 201);
  const busy = answers.filter((a) => a.status === 409);
  assert.equal(created.length + busy.length, 12, answers.map((a) => a.status).join(','));
  assert.ok(created.length >= 1);
  assert.equal(new Set(created.map((a) => a.body.id)).size, 1, 'every 201 names the same posting');
  const list = await anon<{ total: number }>('GET', '/api/v1/jobs?company=Race%20Corp');
  assert.equal(list.body.total, 1, 'one posting, however many raced');
  // Once answered, the key replays the answer.
  const later = await call<{ id: number }>('POST', '/api/v1/jobs', body, { 'idempotency-key': 'race-1' });
  assert.equal(later.status, 201);
  assert.equal(later.body.id, created[0]?.body.id);
});

test('OpenAPI is served at /docs from the same schemas', async (t) => {
  const { url } = await startServer(t);
  const doc = (await (await fetch(`${url}/docs/json`)).json()) as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  assert.match(doc.openapi, /^3\./);
  assert.ok(doc.paths['/api/v1/jobs']?.post?.requestBody, 'the posting body is documented');
  assert.ok(doc.paths['/api/v1/applications/{id}/status']?.patch);
  assert.equal((await fetch(`${url}/docs`)).status, 200);
});
