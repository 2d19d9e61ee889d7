import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

test('a new posting is analysed for the seekers whose profiles fit, and every API tells them its way', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [fit, unfit, recruiter] = await Promise.all([
    signUp(url, 'Fay', 'job_seeker'),
    signUp(url, 'Una', 'job_seeker'),
    signUp(url, 'Rex', 'recruiter'),
  ]);
  await fit.call('PUT', '/api/v1/profile', {
    skills: ['TypeScript', 'PostgreSQL'],
    desired_titles: ['Backend Engineer'],
    remote_preference: 'remote',
  });
  await unfit.call('PUT', '/api/v1/profile', { skills: ['Baking'], desired_titles: ['Pastry Chef'] });
  const native = await watcher(t, wsUrl, fit.token, [`user:${fit.id}`]);
  const other = await watcher(t, wsUrl, unfit.token, [`user:${unfit.id}`]);
  const notifications: Record<string, unknown>[] = [];
  const channels: Record<string, unknown>[] = [];
  for (const [path, into] of [
    [`/ws/notifications/?token=${fit.token}`, notifications],
    [`/api/v1/ws?channels=jobs&token=${fit.token}`, channels],
  ] as const) {
    const ws = new WebSocket(`${wsUrl}${path}`);
    t.after(() => ws.terminate());
    ws.on('message', (data: Buffer) => into.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('message', resolve));
  }

  const posting = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Senior Backend Engineer',
    job_description: 'TypeScript services on PostgreSQL and Kubernetes.',
    location: 'Remote',
    skills_required: ['TypeScript', 'PostgreSQL', 'Kubernetes'],
  });
  const completed = await native.next('event', (m) => m.event === 'analysis.completed', 10_000);
  const data = completed.data as {
    job_id: number;
    match_score: number;
    strengths: string[];
    skill_gap: { missing_skills: { skill: string }[] };
  };
  assert.equal(data.job_id, posting.body.id);
  assert.ok(data.match_score > 50 && data.match_score <= 100, `score ${data.match_score}`);
  assert.ok(data.strengths.includes('Strong TypeScript match'));
  assert.deepEqual(
    data.skill_gap.missing_skills.map((m) => m.skill),
    ['Kubernetes'],
  );
  await native.next('event', (m) => m.event === 'skill_gap.completed');
  assert.deepEqual(
    // The seeker's topic also carries the analysis job itself (work.*), tested with the queue.
    native
      .events()
      .map((e) => String(e.event))
      .filter((type) => !type.startsWith('work.')),
    ['analysis.started', 'analysis.completed', 'skill_gap.completed'],
  );

  const deadline = Date.now() + 5000;
  while (
    (!notifications.some((m) => m.type === 'match_score_calculated') ||
      !channels.some((m) => m.type === 'skill_gap.completed')) &&
    Date.now() < deadline
  ) {
    await sleep(20);
  }
  const scored = notifications.find((m) => m.type === 'match_score_calculated');
  assert.match(
    String(scored?.message),
    /match! [\d.]+% compatibility with Senior Backend Engineer|Match score calculated/,
  );
  assert.deepEqual(
    channels
      .filter((m) =>
        ['job.created', 'job.analyzing', 'job.analyzed', 'skill_gap.completed'].includes(String(m.type)),
      )
      .map((m) => m.type),
    ['job.created', 'job.analyzing', 'job.analyzed', 'skill_gap.completed'],
  );
  const gap = channels.find((m) => m.type === 'skill_gap.completed')?.data as {
    missing_skills_list: { skill: string; importance: string }[];
  };
  assert.deepEqual(
    gap.missing_skills_list.map((m) => m.skill),
    ['Kubernetes'],
  );
  assert.equal(other.events().length, 0, 'a seeker whose profile does not fit gets no analysis');

  // On request, for anyone's posting.
  const requested = await unfit.call<{ job_id: string }>('POST', `/api/v1/jobs/${posting.body.id}/analyze`);
  assert.equal(requested.status, 202);
  const mine = await other.next('event', (m) => m.event === 'analysis.completed', 10_000);
  assert.equal((mine.data as { recommendation: string }).recommendation, 'skip');
  assert.equal((await unfit.call('POST', '/api/v1/jobs/999999/analyze')).status, 404);
});
