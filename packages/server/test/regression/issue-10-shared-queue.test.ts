import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api } from '../helpers/api.js';
import { makePerson, TEST_JWT_SECRET } from '../helpers/principals.js';
import { RawSocket, typed, type Frame } from '../helpers/raw-socket.js';
import { startServer } from '../helpers/server.js';
import { SseClient } from '../helpers/sse-client.js';

type Job = { id: string; owner: string | null; result: unknown; status: string; redacted?: boolean };
const jobOf = (frame: Frame): Job | undefined =>
  typeof frame === 'object' ? ((frame.job ?? frame.data) as Job | undefined) : undefined;

test("the queue shows a user's matching run to others redacted; job-queue gives its owner the whole job, once", async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const owner = await makePerson(server, 'Olga', 'job_seeker');
  const other = await makePerson(server, 'Otto', 'job_seeker');
  const jobQueue = async (token?: string): Promise<RawSocket> => {
    const socket = new RawSocket(t, `${server.wsUrl}/api/ws/jobs${token ? `?token=${token}` : ''}`);
    socket.send('ping');
    await socket.waitFor((f) => f === 'pong'); // its subscriptions are live
    return socket;
  };
  const [mine, theirs, nobodys] = [
    await jobQueue(owner.token),
    await jobQueue(other.token),
    await jobQueue(),
  ];
  const native = new RawSocket(t, `${server.wsUrl}/ws`);
  await native.waitFor(typed('welcome'));
  native.send({ type: 'subscribe', topic: 'queue' });
  await native.waitFor(typed('subscribed'));
  const sse = new SseClient(`${server.url}/api/v1/events?topics=queue`);
  t.after(() => sse.close());
  await sse.waitFor((e) => e.event === 'subscribed');

  const posting = await api(server.url, owner.token)<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: 'Engineer',
  });
  const started = await api(server.url, owner.token)<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'CV', text: 'TypeScript engineer' },
    targets: [{ posting_id: posting.body.id }],
    criteria: [{ id: 'ts', label: 'TypeScript' }],
  });
  const id = started.body.job_id;
  const ofRun = (f: Frame) => jobOf(f)?.id === id;

  // The owner: every transition of their run, whole, each once (the queue's redacted copy is not sent).
  await mine.waitFor((f) => ofRun(f) && typed('job_completed')(f), 20_000);
  const own = mine.frames.filter(ofRun) as { type: string; job: Job }[];
  assert.deepEqual(
    own.map((f) => f.type),
    ['job_created', 'job_started', ...own.slice(2, -1).map(() => 'job_updated'), 'job_completed'],
  );
  // The same transition twice (from the queue and from the owner's topic) would repeat a job exactly.
  assert.equal(new Set(own.map((f) => JSON.stringify(f.job))).size, own.length, 'no transition twice');
  assert.ok(own.every((f) => f.job.owner === owner.id));
  assert.deepEqual(own.at(-1)?.job.result, { matches: 1 });

  // Anyone on the shared queue sees that it ran, and nothing of whose it was or what it found.
  const completed = (f: Frame) => typed('event')(f) && (f as { event?: string }).event === 'work.completed';
  await native.waitFor((f) => completed(f) && ofRun(f), 20_000);
  for (const frame of native.frames.filter(ofRun)) {
    assert.deepEqual(pick(jobOf(frame)), { owner: null, result: null, error_message: null, redacted: true });
  }
  await sse.waitFor((e) => e.event === 'work.completed' && e.data.includes(id));
  assert.ok(sse.events.filter((e) => e.data.includes(id)).every((e) => !e.data.includes(owner.id)));
  const poll = await api(server.url)<{ events: { data: Job }[] }>(
    'GET',
    '/api/v1/events/poll?topic=queue&since=0&timeout=0',
  );
  const polled = poll.body.events.filter((e) => e.data.id === id);
  assert.ok(polled.length >= 3 && polled.every((e) => e.data.owner === null && e.data.result === null));

  // job-queue sends full jobs: another user's is not sent at all, to a signed-in reader or anonymous.
  assert.deepEqual(theirs.frames.filter(ofRun), []);
  assert.deepEqual(nobodys.frames.filter(ofRun), []);
  // ... while anonymous work is everyone's, whole.
  const open = await server.server.work.create('analysis', { posting_id: 999_999, user_id: 'x' }, null, {
    maxRetries: 0,
  });
  for (const socket of [mine, theirs, nobodys]) {
    await socket.waitFor((f) => jobOf(f)?.id === open.id && typed('job_failed')(f), 20_000);
  }
});

const pick = (job: unknown) => {
  const j = job as Record<string, unknown>;
  return { owner: j.owner, result: j.result, error_message: j.error_message, redacted: j.redacted };
};
