import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelsEventMessage } from '@jobstream/protocol';
import { signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

interface Recommended {
  count: number;
  top_recommendations: { job_id: number; company: string; job_title: string; score: number }[];
  generated_at: string;
}

const recommendationEvents = (client: TestClient): Message[] =>
  client.events().filter((m) => String(m.event).startsWith('recommendations.'));

test('recommendations follow postings and the profile: new ones, then an updated list, as channels.md shows', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [ada, bo, rita] = await Promise.all([
    signUp(url, 'Ada', 'job_seeker'),
    signUp(url, 'Bo', 'job_seeker'),
    signUp(url, 'Rita', 'recruiter'),
  ]);
  const native = await watcher(t, wsUrl, ada.token, [`user:${ada.id}`]);
  const boClient = await watcher(t, wsUrl, bo.token, [`user:${bo.id}`]);
  const channels = new TestClient(`${wsUrl}/api/v1/ws?token=${ada.token}&channels=recommendations`);
  t.after(() => channels.ws.terminate());
  await channels.next('system.connected');

  await ada.call('PUT', '/api/v1/profile', {
    skills: ['TypeScript', 'Node.js', 'PostgreSQL'],
    desired_titles: ['Backend Engineer'],
  });
  await bo.call('PUT', '/api/v1/profile', { skills: ['Figma'], desired_titles: ['Product Designer'] });
  const post = (body: Record<string, unknown>) =>
    rita.call<{ id: number }>('POST', '/api/v1/jobs', { job_description: '', ...body });
  const backend = await post({
    company: 'Netflix',
    job_title: 'Senior Backend Engineer',
    skills_required: ['TypeScript', 'Node.js', 'PostgreSQL'],
  });
  await post({ company: 'Acme', job_title: 'Office Manager', skills_required: ['Excel'] });

  const first = await native.next('event', (m) => m.event === 'recommendations.new', 8000);
  const firstData = first.data as Recommended;
  assert.equal(firstData.count, 1);
  assert.deepEqual(
    firstData.top_recommendations.map((r) => [r.job_id, r.company, r.job_title]),
    [[backend.body.id, 'Netflix', 'Senior Backend Engineer']],
  );
  assert.ok(firstData.top_recommendations[0] && firstData.top_recommendations[0].score >= 75);

  // channels.md's recommendations.new, as its clients read it.
  const documented = await channels.next('recommendations.new');
  ChannelsEventMessage.parse(documented);
  assert.deepEqual(Object.keys(documented.data as object).sort(), [
    'count',
    'generated_at',
    'top_recommendations',
  ]);

  // A second fitting posting: one more new recommendation, the new one only.
  const staff = await post({
    company: 'Uber',
    job_title: 'Staff Backend Engineer',
    skills_required: ['TypeScript', 'Go'],
  });
  const second = await native.next(
    'event',
    (m) => m.event === 'recommendations.new' && m.seq !== first.seq,
    8000,
  );
  assert.deepEqual(
    (second.data as Recommended).top_recommendations.map((r) => r.job_id),
    [staff.body.id],
  );
  const listed = await ada.call<{ items: { job_id: number }[] }>('GET', '/api/v1/recommendations');
  assert.deepEqual(
    listed.body.items.map((r) => r.job_id),
    [backend.body.id, staff.body.id],
    'best first',
  );

  // A posting closes: the list shrinks, and says so as an update.
  await rita.call('POST', `/api/v1/jobs/${backend.body.id}/deactivate`);
  const updated = await native.next('event', (m) => m.event === 'recommendations.updated', 8000);
  assert.deepEqual(
    (updated.data as Recommended).top_recommendations.map((r) => r.job_id),
    [staff.body.id],
  );
  assert.equal((updated.data as Recommended).count, 1);

  // Nothing changes: nothing is sent.
  const before = recommendationEvents(native).length;
  await ada.call('PUT', '/api/v1/profile', {
    skills: ['TypeScript', 'Node.js', 'PostgreSQL'],
    desired_titles: ['Backend Engineer'],
  });
  await sleep(1500);
  assert.equal(recommendationEvents(native).length, before);
  assert.equal(recommendationEvents(boClient).length, 0, 'Bo fits none of them and hears nothing of Ada’s');
});
