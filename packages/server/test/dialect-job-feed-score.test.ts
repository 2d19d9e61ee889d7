import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import { signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

type FeedMessage = { type: string; data: Record<string, unknown> };

/** A job-feed client (job-feed.md's `/api/v1/ws/jobs`), once `connected` has arrived. */
async function feed(t: TestContext, url: string) {
  const ws = new WebSocket(url);
  t.after(() => ws.terminate());
  const received: FeedMessage[] = [];
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as FeedMessage));
  const until = async (check: () => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  };
  await until(() => received.some((m) => m.type === 'connected'), 'connected');
  const of = (type: string) => received.filter((m) => m.type === type);
  return { received, until, of };
}

test("job-feed's score is the signed-in reader's own analysis score (0–1); anonymous readers get null", async (t) => {
  const { url, wsUrl } = await startServer(t);
  const [seeker, other, recruiter] = await Promise.all([
    signUp(url, 'Sia', 'job_seeker'),
    signUp(url, 'Oto', 'job_seeker'),
    signUp(url, 'Rob', 'recruiter'),
  ]);
  await seeker.call('PUT', '/api/v1/profile', {
    skills: ['TypeScript', 'PostgreSQL'],
    desired_titles: ['Backend Engineer'],
  });
  await other.call('PUT', '/api/v1/profile', { skills: ['Baking'], desired_titles: ['Pastry Chef'] });
  const native = await watcher(t, wsUrl, seeker.token, [`user:${seeker.id}`]);
  const mine = await feed(t, `${wsUrl}/api/v1/ws/jobs?token=${seeker.token}`);
  const theirs = await feed(t, `${wsUrl}/api/v1/ws/jobs?token=${other.token}`);
  const anon = await feed(t, `${wsUrl}/api/v1/ws/jobs`);

  const posting = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Senior Backend Engineer',
    job_description: 'TypeScript services on PostgreSQL.',
    skills_required: ['TypeScript', 'PostgreSQL'],
  });
  const analysed = await native.next('event', (m) => m.event === 'analysis.completed', 10_000);
  const expected = (analysed.data as { match_score: number }).match_score / 100;

  await mine.until(() => mine.of('job_updated').length > 0, 'job_updated with the score');
  assert.equal(mine.of('new_job')[0]!.data.score, null, 'no analysis exists yet when the posting is new');
  assert.deepEqual(mine.of('job_updated')[0]!.data, {
    job_id: posting.body.id,
    changes: ['score'],
    new_score: expected,
  });
  assert.ok(expected > 0.5 && expected <= 1, `score ${expected}`);

  // A later change of the posting carries the reader's score; others see null.
  await recruiter.call('PATCH', `/api/v1/jobs/${posting.body.id}`, { location: 'Remote' });
  await mine.until(() => mine.of('job_updated').length === 2, 'the second job_updated');
  await anon.until(() => anon.of('job_updated').length === 1, 'job_updated for everyone');
  await theirs.until(() => theirs.of('job_updated').length === 1, "another seeker's job_updated");
  assert.deepEqual(mine.of('job_updated')[1]!.data, {
    job_id: posting.body.id,
    changes: ['location'],
    new_score: expected,
  });
  for (const reader of [anon, theirs]) {
    assert.deepEqual(
      reader.of('job_updated').map((m) => m.data),
      [{ job_id: posting.body.id, changes: ['location'], new_score: null }],
    );
    assert.equal(reader.of('new_job')[0]!.data.score, null);
  }
});
