import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';

/** A raw socket that records every JSON message it gets. */
async function listen(url: string, ready: (m: Record<string, unknown>) => boolean, first?: unknown) {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      messages.push(m);
      if (ready(m)) resolve();
    });
    ws.on('open', () => {
      if (first !== undefined) ws.send(JSON.stringify(first));
    });
    ws.on('error', reject);
  });
  return { ws, messages };
}

test('one posting created over REST reaches every endpoint whose document names such an event, each in its own shape', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const seeker = await signUp(url, 'Sam', 'job_seeker');
  const recruiter = await signUp(url, 'Rae', 'recruiter');

  const native = await listen(`${wsUrl}/ws`, (m) => m.type === 'subscribed', {
    type: 'subscribe',
    topic: 'postings',
  });
  const channels = await listen(`${wsUrl}/api/v1/ws?channels=jobs`, (m) => m.type === 'system.connected');
  const notifications = await listen(
    `${wsUrl}/ws/notifications/?token=${seeker.token}`,
    (m) => m.type === 'connection_established',
  );
  const feed = await listen(`${wsUrl}/api/v1/ws/jobs`, (m) => m.type === 'connected');
  const sockets = [native, channels, notifications, feed];
  t.after(() => sockets.forEach((s) => s.ws.terminate()));

  const created = await recruiter.call<{ id: number; created_at: string }>('POST', '/api/v1/jobs', {
    company: 'Tech Corp',
    job_title: 'Software Engineer',
    job_description: 'Build things',
    job_url: 'https://example.test/jobs/1',
    location: 'Remote',
    source: 'manual',
    skills_required: ['Python', 'Django', 'React'],
  });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const arrived = (s: { messages: Record<string, unknown>[] }, type: string) =>
    s.messages.find((m) => m.type === type);
  const deadline = Date.now() + 5000;
  while (
    !(
      arrived(native, 'event') &&
      arrived(channels, 'job.created') &&
      arrived(notifications, 'job_posted') &&
      arrived(feed, 'new_job')
    ) &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }

  const nativeEvent = arrived(native, 'event');
  assert.equal(nativeEvent?.event, 'posting.created');
  assert.equal((nativeEvent?.data as { posting: { id: number } }).posting.id, id);

  const job = arrived(channels, 'job.created');
  assert.deepEqual(job?.data, {
    job_id: id,
    company: 'Tech Corp',
    job_title: 'Software Engineer',
    location: 'Remote',
    source: 'manual',
  });
  assert.equal(typeof job?.timestamp, 'string');

  const posted = arrived(notifications, 'job_posted');
  assert.equal(posted?.message, 'New job posted: Software Engineer at Tech Corp');
  assert.equal(posted?.job_id, id);
  assert.equal(posted?.job_title, 'Software Engineer');
  assert.equal(posted?.company, 'Tech Corp');
  assert.equal(posted?.location, 'Remote');
  assert.deepEqual(posted?.data, { skills_required: ['Python', 'Django', 'React'] });
  assert.match(String(posted?.timestamp), /\+00:00$/);

  const newJob = arrived(feed, 'new_job');
  assert.deepEqual(
    { ...(newJob?.data as object), score: undefined },
    {
      job_id: id,
      title: 'Software Engineer',
      company: 'Tech Corp',
      location: 'Remote',
      score: undefined,
      url: 'https://example.test/jobs/1',
    },
  );
  assert.match(String(newJob?.timestamp), /\+00:00$/);
});
