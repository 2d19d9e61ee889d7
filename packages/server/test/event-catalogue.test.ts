import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventSchemas, isCatalogued } from '@jobstream/protocol';
import { createUserService } from '../src/domain/users.js';
import { logIn, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';

/**
 * The event catalogue is what the server emits: the data of every catalogued event that REST writes
 * commit (to the outbox, as subscribers get it) passes its type's schema in packages/protocol.
 */
test('every catalogued event a REST write commits has the data the catalogue says', async (t) => {
  const { url, server } = await startServer(t);
  const admin = await createUserService(server.store.db).createUser({
    email: 'root@example.test',
    password: 'password-123',
    role: 'admin',
    name: 'Root',
  });
  const [seeker, recruiter, root] = await Promise.all([
    signUp(url, 'Ada', 'job_seeker'),
    signUp(url, 'Rita', 'recruiter'),
    logIn(url, admin.email),
  ]);
  const ok = (status: number, what: string) => assert.ok(status >= 200 && status < 300, `${what}: ${status}`);

  const posting = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Tech Corp',
    job_title: 'Software Engineer',
    job_description: 'Build things',
    location: 'Remote',
    skills_required: ['TypeScript'],
  });
  ok(posting.status, 'posting');
  ok(
    (await recruiter.call('PATCH', `/api/v1/jobs/${posting.body.id}`, { job_title: 'Senior' })).status,
    'patch',
  );
  ok((await seeker.call('PUT', '/api/v1/profile', { skills: ['TypeScript'] })).status, 'profile');
  const applied = await seeker.call<{ id: number }>('POST', '/api/v1/applications', {
    posting_id: posting.body.id,
  });
  ok(applied.status, 'apply');
  const appId = applied.body.id;
  ok(
    (await recruiter.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'reviewing' })).status,
    'status',
  );
  const interview = await recruiter.call<{ interview_id: number }>('POST', '/api/v1/interviews', {
    application_id: appId,
    interview_type: 'technical',
    scheduled_date: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    duration_minutes: 60,
  });
  ok(interview.status, 'interview');
  const ivId = interview.body.interview_id;
  const later = new Date(Date.now() + 4 * 86_400_000).toISOString();
  ok((await recruiter.call('PATCH', `/api/v1/interviews/${ivId}`, { scheduled_date: later })).status, 'move');
  ok((await seeker.call('POST', `/api/v1/interviews/${ivId}/cancel`)).status, 'cancel');
  const followup = await seeker.call<{ followup_id: number }>('POST', '/api/v1/followups', {
    application_id: appId,
    followup_type: 'post_application',
    scheduled_date: later,
  });
  ok(followup.status, 'followup');
  ok((await seeker.call('POST', `/api/v1/followups/${followup.body.followup_id}/sent`)).status, 'sent');
  ok(
    (await root.call('POST', '/api/v1/notifications', { user_id: seeker.id, message: 'Hi' })).status,
    'user',
  );
  ok(
    (await root.call('POST', '/api/v1/notifications', { role: 'recruiter', message: 'All' })).status,
    'role',
  );
  ok((await root.call('POST', '/api/v1/notifications', { message: 'Maintenance at noon' })).status, 'system');

  const rows = await server.store.db.selectFrom('outbox').select(['type', 'data']).orderBy('id').execute();
  const checked = new Set<string>();
  for (const row of rows) {
    if (!isCatalogued(row.type)) continue;
    const parsed = eventSchemas[row.type].safeParse(JSON.parse(row.data));
    assert.ok(parsed.success, `${row.type}: ${parsed.error?.message ?? ''}\n${row.data}`);
    checked.add(row.type);
  }
  for (const type of [
    'posting.created',
    'posting.updated',
    'profile.updated',
    'application.created',
    'application.status_changed',
    'interview.scheduled',
    'interview.updated',
    'interview.cancelled',
    'followup.created',
    'followup.sent',
    'notification',
    'system.notification',
  ]) {
    assert.ok(checked.has(type), `no ${type} was emitted`);
  }
});
