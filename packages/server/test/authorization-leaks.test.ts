import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api } from './helpers/api.js';
import { feedServer } from './helpers/feed-server.js';
import { Observer, type ObserverOptions, type Received } from './helpers/observers.js';
import { makePerson, TEST_JWT_SECRET } from './helpers/principals.js';
import { RawSocket, typed, type Frame } from './helpers/raw-socket.js';
import { startServer } from './helpers/server.js';
import { SseClient } from './helpers/sse-client.js';

/**
 * Every canonical event type, where it is published, and whether it is anyone's to read. Private
 * types live on `user:{id}`, `role:{role}` and `work:{id}`; a user's `work.*` also reaches the shared
 * `queue`, redacted. The test makes one of each, as the owner (or the owner's recruiter) would.
 */
const CATALOGUE: readonly { type: string; topic: string; shared: boolean }[] = [
  ...['posting.created', 'posting.updated'].map((type) => ({ type, topic: 'postings', shared: true })),
  ...['scrape.started', 'scrape.completed'].map((type) => ({ type, topic: 'scrapes', shared: true })),
  { type: 'queue.stats', topic: 'queue', shared: true },
  ...['system.notification', 'system.maintenance'].map((type) => ({ type, topic: 'system', shared: true })),
  ...['created', 'started', 'progress', 'completed', 'failed', 'cancelled'].map((s) => ({
    type: `work.${s}`,
    topic: 'user',
    shared: false,
  })),
  ...[
    'status',
    'criteria',
    'source_snippets',
    'target.search',
    'target.evaluation',
    'target.candidate',
    'match.persisted',
  ].map((s) => ({ type: `matching.job.${s}`, topic: 'work', shared: false })),
  ...[
    'profile.updated',
    'application.created',
    'application.status_changed',
    'interview.scheduled',
    'interview.updated',
    'interview.reminder',
    'interview.cancelled',
    'followup.created',
    'followup.due',
    'followup.sent',
    'notification',
    'analysis.started',
    'analysis.completed',
    'skill_gap.completed',
    'recommendations.new',
    'recommendations.updated',
    'inbox.read',
  ].map((type) => ({ type, topic: 'user', shared: false })),
  { type: 'notification', topic: 'role', shared: false },
];

/** In every private thing the owner writes: nobody else may ever receive it. */
const CANARY = 'zq7canary';
const deadline = (ms: number) => Date.now() + ms;

test('no transport delivers any canonical event type to another user or an anonymous client beyond what REST shows them', async (t) => {
  const feed = await feedServer(t);
  const apiKey = 'leak-api-key-0123456789';
  const env = {
    JWT_SECRET: TEST_JWT_SECRET,
    JOBSTREAM_API_KEY: apiKey,
    SOURCE_ALLOW_PRIVATE: 'true',
    SCHEDULER_TICK_MS: '100',
  };
  const server = await startServer(t, env, { work: { retryBaseMs: 10 * 60_000 } });
  const { url, wsUrl } = server;
  const owner = await makePerson(server, 'Owner', 'job_seeker');
  const other = await makePerson(server, 'Other', 'job_seeker');
  const recruiter = await makePerson(server, 'Rita', 'recruiter');
  const asOwner = api(url, owner.token);
  const asRecruiter = api(url, recruiter.token);
  const ok = async <T>(call: Promise<{ status: number; body: T }>): Promise<T> => {
    const res = await call;
    assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  // Those the events are for: the owner on its own topic and the queue, the recruiter on theirs.
  const producer = async (token: string, topics: string[]): Promise<RawSocket> => {
    const socket = new RawSocket(t, `${wsUrl}/ws?token=${token}`);
    await socket.waitFor(typed('welcome'));
    for (const topic of topics) {
      socket.send({ type: 'subscribe', topic });
      await socket.waitFor((f) => typed('subscribed')(f) && (f as { topic?: string }).topic === topic);
    }
    return socket;
  };
  const ownerSees = await producer(owner.token, [
    `user:${owner.id}`,
    'queue',
    'postings',
    'scrapes',
    'system',
  ]);
  const recruiterSees = await producer(recruiter.token, [`user:${recruiter.id}`, 'role:recruiter']);

  // The readers who must see nothing private: another seeker, and an anonymous client that claims to
  // be the owner where an endpoint lets it say so (channels' user_id).
  const shared = ['postings', 'queue', 'scrapes', 'system'];
  const otherOptions: ObserverOptions = {
    url,
    wsUrl,
    token: other.token,
    topics: [...shared, `user:${other.id}`, 'role:job_seeker'],
    channelsUserId: other.id,
  };
  const anonOptions: ObserverOptions = {
    url,
    wsUrl,
    token: undefined,
    topics: shared,
    channelsUserId: owner.id,
  };
  const observers = {
    other: await Observer.connect(t, otherOptions),
    anonymous: await Observer.connect(t, anonOptions),
  };

  // One of every event type.
  const posting = await ok(
    asRecruiter<{ id: number }>('POST', '/api/v1/jobs', {
      company: 'Acme',
      job_title: 'Engineer',
      skills_required: ['typescript'],
    }),
  );
  const second = await ok(
    asRecruiter<{ id: number }>('POST', '/api/v1/jobs', {
      company: 'Beta',
      job_title: 'Engineer',
      skills_required: ['typescript'],
    }),
  );
  await ok(
    asOwner('PUT', '/api/v1/profile', { skills: ['typescript', CANARY], desired_titles: ['Engineer'] }),
  );
  const application = await ok(
    asOwner<{ id: number }>('POST', '/api/v1/applications', { posting_id: posting.id, cover_letter: CANARY }),
  );
  await ok(asRecruiter('PATCH', `/api/v1/applications/${application.id}/status`, { status: 'reviewing' }));
  const interview = await ok(
    asOwner<{ interview_id: number }>('POST', '/api/v1/interviews', {
      application_id: application.id,
      scheduled_date: new Date(Date.now() + 10 * 60_000).toISOString(),
      notes: CANARY,
    }),
  );
  await ok(asOwner('PATCH', `/api/v1/interviews/${interview.interview_id}`, { notes: `${CANARY} again` }));
  const followup = await ok(
    asOwner<{ followup_id: number }>('POST', '/api/v1/followups', {
      application_id: application.id,
      scheduled_date: new Date(Date.now() + 3_600_000).toISOString(),
      notes: CANARY,
    }),
  );
  await ok(asRecruiter('POST', '/api/v1/notifications', { user_id: owner.id, message: `for you ${CANARY}` }));
  await ok(
    asRecruiter('POST', '/api/v1/notifications', { role: 'recruiter', message: `recruiters only ${CANARY}` }),
  );
  await ok(asRecruiter('POST', '/api/v1/notifications', { message: 'for everyone' }));
  await ok(
    api(url, apiKey)('POST', '/api/v1/publish', {
      topic: 'system',
      type: 'system.maintenance',
      data: { message: 'soon' },
    }),
  );
  await ok(asOwner('POST', `/api/v1/jobs/${posting.id}/analyze`));
  const run = await ok(
    asOwner<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
      source: { name: 'CV', text: `TypeScript engineer ${CANARY}` },
      targets: [{ posting_id: posting.id }, { name: 'Bakery', text: 'Bake bread at dawn.' }],
      criteria: [{ id: 'ts', label: `TypeScript ${CANARY}` }],
    }),
  );
  const failing = await server.server.work.create(
    'analysis',
    { posting_id: 999_999, user_id: owner.id },
    owner.id,
    { maxRetries: 0 },
  );
  const cancelled = await server.server.work.create(
    'analysis',
    { posting_id: 999_999, user_id: owner.id },
    owner.id,
    { maxRetries: 1 },
  );
  const source = await ok(
    asOwner<{ id: number }>('POST', '/api/v1/sources', {
      name: 'board',
      kind: 'json',
      url: `${feed.url}/json`,
      company: 'Board',
    }),
  );
  await ok(asOwner('POST', '/api/v1/scrapes', { source_id: source.id }));

  const ownerGot = (type: string, topic?: string) => (f: Frame) =>
    typed('event')(f) &&
    (f as { event?: string }).event === type &&
    (topic === undefined || (f as { topic?: string }).topic === topic);
  // The cancellable job waits ten minutes for its retry: cancel it then.
  await ownerSees.waitFor(
    (f) =>
      ownerGot('work.progress')(f) &&
      (f as { data: { id: string; phase: string } }).data.id === cancelled.id &&
      (f as { data: { phase: string } }).data.phase === 'retrying',
    20_000,
  );
  await ok(asOwner('POST', `/api/v1/queue/jobs/${cancelled.id}/cancel`));
  await ownerSees.waitFor(ownerGot('interview.reminder'), 20_000);
  await ok(asOwner('POST', `/api/v1/interviews/${interview.interview_id}/cancel`));
  await ownerSees.waitFor(ownerGot('followup.due'), 20_000);
  await ok(asOwner('POST', `/api/v1/followups/${followup.followup_id}/sent`));
  await ownerSees.waitFor(ownerGot('recommendations.new'), 20_000);
  await ok(asRecruiter('POST', `/api/v1/jobs/${second.id}/deactivate`)); // the list shrinks: recommendations.updated
  // The owner reads their inbox (inbox.read to their own topic); nobody else may mark their items.
  const inbox = await ok(asOwner<{ items: { id: number }[] }>('GET', '/api/v1/inbox'));
  const ownItem = inbox.items[0]!.id;
  assert.equal((await api(url, other.token)('POST', `/api/v1/inbox/${ownItem}/read`)).status, 404);
  assert.equal((await asRecruiter('POST', `/api/v1/inbox/${ownItem}/read`)).status, 404);
  await ok(asOwner('POST', `/api/v1/inbox/${ownItem}/read`));
  await ok(asOwner('POST', '/api/v1/inbox/read-all'));

  // The owner's run, watched by its owner; the others are refused it on every endpoint.
  const runStream = new RawSocket(t, `${wsUrl}/ws/matching-jobs/${run.job_id}?token=${owner.token}`);
  await runStream.waitFor(
    (f) => typed('matching.job.status')(f) && (f as { status?: string }).status === 'complete',
    20_000,
  );
  for (const wanted of CATALOGUE.filter((c) => c.topic === 'user' || c.topic === 'role')) {
    const sees = wanted.topic === 'role' ? recruiterSees : ownerSees;
    await sees.waitFor(
      ownerGot(wanted.type, wanted.topic === 'role' ? 'role:recruiter' : `user:${owner.id}`),
      20_000,
    );
  }
  // The posting's recruiter reads the status change on their own topic (their board moves with it):
  // the application REST shows them, and nothing the applicant wrote.
  const changed = await recruiterSees.waitFor(
    ownerGot('application.status_changed', `user:${recruiter.id}`),
    20_000,
  );
  assert.equal((changed as { data: { applicant_id: string } }).data.applicant_id, owner.id);
  assert.ok(!JSON.stringify(changed).includes(CANARY), 'no cover letter or notes in it');
  const ownWork = new Set(
    ownerSees.frames
      .filter(ownerGot('work.created', `user:${owner.id}`))
      .map((f) => (f as { data: { id: string } }).data.id),
  );
  assert.ok(ownWork.has(run.job_id) && ownWork.has(failing.id) && ownWork.has(cancelled.id));

  // Nothing of the owner's by asking, either: topics refused, sockets closed before any frame.
  const privateTopics = [`user:${owner.id}`, 'role:recruiter', `work:${run.job_id}`, `work:${failing.id}`];
  for (const [name, o] of Object.entries({ other: otherOptions, anonymous: anonOptions })) {
    const auth: Record<string, string> = o.token === undefined ? {} : { authorization: `Bearer ${o.token}` };
    const native = observers[name as keyof typeof observers].sockets.get('native') as RawSocket;
    for (const topic of privateTopics) {
      native.send({ type: 'subscribe', topic });
      const refusal = await native.waitFor((f) => typed('error')(f) && (f as { ref?: string }).ref === topic);
      assert.equal((refusal as { code: string }).code, 'forbidden', `${name} /ws ${topic}`);
      assert.equal(
        (await fetch(`${url}/api/v1/events?topics=${topic}`, { headers: auth })).status,
        403,
        `${name} SSE ${topic}`,
      );
      assert.equal(
        (await fetch(`${url}/api/v1/events/poll?topic=${topic}&timeout=0`, { headers: auth })).status,
        403,
        `${name} poll ${topic}`,
      );
    }
    const q = o.token === undefined ? '' : `?token=${o.token}`;
    const matching = new RawSocket(t, `${wsUrl}/ws/matching-jobs/${run.job_id}${q}`);
    assert.equal((await matching.closed).code, 4001, `${name} /ws/matching-jobs`);
    assert.deepEqual(matching.texts, [], `${name} got frames of the owner's run`);
  }
  const claimed = new RawSocket(t, `${wsUrl}/api/v1/ws?user_id=${owner.id}&token=${other.token}`);
  assert.equal((await claimed.closed).code, 4001, "channels refuses another user's user_id");
  const sseOwn = new SseClient(`${url}/api/v1/events?topics=user:${owner.id}`, {
    authorization: `Bearer ${owner.token}`,
  });
  t.after(() => sseOwn.close());

  // Last events on each shared topic: once a reader has them, it has everything published before.
  await ok(asRecruiter('POST', '/api/v1/notifications', { message: 'the end' }));
  await ok(asRecruiter('POST', '/api/v1/jobs', { company: 'End', job_title: 'Last' }));
  const lastWork = await server.server.work.create(
    'analysis',
    { posting_id: 999_998, user_id: 'nobody' },
    null,
    { maxRetries: 0 },
  );
  for (const observer of Object.values(observers)) {
    const until = deadline(20_000);
    const has = (r: Received) =>
      r.text.includes('the end') || r.text.includes(lastWork.id) || r.text.includes('"End"');
    for (const transport of ['native', 'sse', 'channels', 'job-queue', 'job-feed']) {
      while (!observer.received().some((r) => r.transport === transport && has(r))) {
        assert.ok(Date.now() < until, `${transport} never got the last events`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  await observers.other.pollAll(otherOptions);
  await observers.anonymous.pollAll(anonOptions);

  const readable = { other: new Set(otherOptions.topics), anonymous: new Set(anonOptions.topics) };
  for (const [name, observer] of Object.entries(observers)) {
    const got = observer.received();
    const mayRead = readable[name as keyof typeof readable];
    await t.test(`${name}: nothing on any transport names the owner or carries what they wrote`, () => {
      // Echoes of what this reader sent are its own words: the refusals of the owner's topics, and the
      // user_id that channels' welcome repeats (to an anonymous client, delivering nothing of theirs).
      const echo = (r: Received) =>
        (r.transport === 'native' && /"code":"forbidden"/.test(r.text)) ||
        (r.transport === 'channels' && /^\{"type":"system\.connected"/.test(r.text));
      const leaked = got.filter((r) => !echo(r) && (r.text.includes(owner.id) || r.text.includes(CANARY)));
      assert.deepEqual(
        leaked.map((r) => `${r.transport} ${r.text.slice(0, 200)}`),
        [],
      );
    });
    await t.test(`${name}: nothing on any transport comes from a topic REST would not show them`, () => {
      // Documented dialects name the canonical topic in each event's event_id.
      const foreign = got.filter((r) => r.topic !== undefined && !mayRead.has(r.topic));
      assert.deepEqual(
        foreign.map((r) => `${r.transport} ${r.topic}`),
        [],
      );
    });
    for (const { type, topic, shared: isShared } of CATALOGUE) {
      await t.test(`${name}: ${type} (${topic})`, () => {
        const ofType = got.filter((r) => r.type === type);
        const foreign = ofType.filter((r) => r.topic === undefined || !mayRead.has(r.topic));
        assert.deepEqual(
          foreign.map((r) => `${r.transport} ${r.topic}`),
          [],
          'from a topic not theirs',
        );
        if (isShared) {
          for (const transport of ['native', 'sse', 'long-poll']) {
            assert.ok(
              ofType.some((r) => r.transport === transport),
              `a shared ${type} reaches ${name} on ${transport}`,
            );
          }
        } else if (type.startsWith('work.')) {
          // The owner's work on the shared queue: there, but without owner, result or error message.
          const owned = ofType.filter((r) => ownWork.has(String((r.data as { id?: unknown }).id)));
          assert.ok(owned.length > 0, `${name} sees the owner's ${type} on the queue`);
          for (const r of owned) {
            assert.deepEqual(
              pick(r.data),
              { owner: null, result: null, error_message: null, redacted: true },
              r.transport,
            );
          }
          const documented = got.filter(
            (r) =>
              r.transport === 'job-queue' &&
              ownWork.has(String((r.data as { job?: { id?: unknown } }).job?.id)),
          );
          assert.deepEqual(documented, [], "job-queue sends full jobs only: none of another user's");
        } else {
          assert.deepEqual(
            ofType.map((r) => r.transport),
            [],
            `${type} is the owner's alone`,
          );
        }
      });
    }
  }
  // The owner is told everything, whole: the queue shows them their own work redacted like anyone,
  // their own topic in full (on SSE too).
  await sseOwn.waitFor((e) => e.event === 'subscribed');
  const full = ownerSees.frames.filter(
    (f) =>
      ownerGot('work.completed', `user:${owner.id}`)(f) &&
      (f as { data: { id: string } }).data.id === run.job_id,
  );
  assert.equal(full.length, 1);
  const whole = (full[0] as { data: { owner: string; result: { matches?: unknown } | null } }).data;
  assert.equal(whole.owner, owner.id);
  assert.equal(typeof whole.result?.matches, 'number');
});

const pick = (data: unknown) => {
  const d = data as Record<string, unknown>;
  return { owner: d.owner, result: d.result, error_message: d.error_message, redacted: d.redacted };
};
