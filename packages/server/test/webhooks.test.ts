import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { api, signUp, watcher } from './helpers/api.js';
import { Prng } from './helpers/prng.js';
import { startServer } from './helpers/server.js';
import { storeBackends } from './helpers/store-backends.js';
import { sleep } from './helpers/ws-client.js';

const SECRETS = {
  GREENHOUSE_WEBHOOK_SECRET: 'gh-secret-0123456789',
  LEVER_WEBHOOK_SECRET: 'lever-token-0123456789',
  ASHBY_WEBHOOK_SECRET: 'ashby-secret-0123456789',
};
const recorded = (name: string): unknown[] =>
  JSON.parse(readFileSync(new URL(`./fixtures/webhooks/${name}`, import.meta.url), 'utf8')) as unknown[];
const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

async function deliver(url: string, path: string, raw: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/v1/webhooks/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Each payload three times, shuffled by a seeded generator (Fisher–Yates). */
function shuffledThrice<T>(items: readonly T[], seed: number): T[] {
  const all = items.flatMap((item) => [item, item, item]);
  const prng = new Prng(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [all[i], all[j]] = [all[j] as T, all[i] as T];
  }
  return all;
}

/** Whether `seen` is `order` with some left out, never reordered. */
const inOrder = (seen: string[], order: string[]) => {
  let at = 0;
  for (const item of seen) {
    at = order.indexOf(item, at);
    if (at < 0) return false;
    at++;
  }
  return true;
};

test('a bad, missing or unconfigured signature is 401 in the error shape and changes nothing', async (t) => {
  const { url } = await startServer(t, { GREENHOUSE_WEBHOOK_SECRET: SECRETS.GREENHOUSE_WEBHOOK_SECRET });
  const raw = JSON.stringify(recorded('greenhouse.json')[0]);
  const cases: [string, Record<string, string>][] = [
    ['greenhouse', {}],
    ['greenhouse', { signature: `sha256 ${hmac('wrong-secret', raw)}` }],
    ['greenhouse', { signature: hmac(SECRETS.GREENHOUSE_WEBHOOK_SECRET, raw) }],
    ['greenhouse', { signature: `sha256 ${hmac(SECRETS.GREENHOUSE_WEBHOOK_SECRET, `${raw} `)}` }],
    ['ashby', { 'ashby-signature': `sha256=${hmac(SECRETS.ASHBY_WEBHOOK_SECRET, raw)}` }],
    ['lever', {}],
  ];
  for (const [vendor, headers] of cases) {
    const answer = await deliver(url, vendor, raw, headers);
    assert.equal(answer.status, 401, `${vendor} ${JSON.stringify(headers)}`);
    const error = answer.body.error as { code: string; message: string };
    assert.equal(error.code, 'unauthorized');
    assert.equal(typeof error.message, 'string');
  }
  assert.equal((await deliver(url, 'workday', raw, {})).status, 404);
  const postings = await api(url)<{ total: number }>('GET', '/api/v1/jobs');
  assert.equal(postings.body.total, 0, 'nothing was created');
  const good = await deliver(url, 'greenhouse', raw, {
    signature: `sha256 ${hmac(SECRETS.GREENHOUSE_WEBHOOK_SECRET, raw)}`,
  });
  assert.deepEqual([good.status, good.body.outcome], [200, 'applied']);
});

// Seed 99 delivers all at once, as a vendor's parallel retries do.
const runs = (await storeBackends()).flatMap((backend) => [1, 7, 42, 99].map((seed) => ({ backend, seed })));
for (const { backend, seed } of runs) {
  test(
    `Greenhouse deliveries, each three times in a shuffled order (${backend.name}, seed ${seed}): each event once, in Greenhouse's order, never backwards`,
    { skip: backend.skip },
    async (t) => {
      const db = await backend.database(t);
      const { url, wsUrl } = await startServer(t, { ...SECRETS, DATABASE_URL: db.url });
      const grace = await signUp(url, 'Grace', 'job_seeker');
      const native = await watcher(t, wsUrl, grace.token, [`user:${grace.id}`, 'postings']);
      const bodies = recorded('greenhouse.json').map((body) => JSON.stringify(body));
      const outcomes: string[] = [];
      const send = async (raw: string) => {
        const sig = `sha256 ${hmac(SECRETS.GREENHOUSE_WEBHOOK_SECRET, raw)}`;
        const answer = await deliver(url, 'greenhouse', raw, { signature: sig });
        assert.equal(answer.status, 200);
        outcomes.push(String(answer.body.outcome));
      };
      const deliveries = shuffledThrice(bodies, seed);
      if (seed === 99) await Promise.all(deliveries.map(send));
      else for (const raw of deliveries) await send(raw);
      assert.equal(outcomes.filter((o) => o === 'duplicate').length, 10, 'two of each three are retries');

      const apps = await grace.call<{ id: number; status: string }[]>('GET', '/api/v1/applications');
      assert.equal(apps.body.length, 1, 'one application');
      assert.equal(apps.body[0]?.status, 'offer_received', 'the latest stage, whatever came last');
      const jobs = await api(url)<{ items: { is_active: boolean; job_title: string }[] }>(
        'GET',
        '/api/v1/jobs',
      );
      assert.deepEqual(
        jobs.body.items.map((p) => [p.job_title, p.is_active]),
        [['Site Reliability Engineer', false]],
        'one posting, closed last by Greenhouse',
      );

      // Wait for the events to arrive, then check them: statuses once each, in Greenhouse's order.
      for (let waited = 0; waited < 5000; waited += 50) {
        if (
          native
            .events(`user:${grace.id}`)
            .some(
              (m) =>
                (m.data as { new_status?: string; status?: string }).new_status === 'offer_received' ||
                (m.data as { status?: string }).status === 'offer_received',
            )
        )
          break;
        await sleep(50);
      }
      const statuses = native
        .events(`user:${grace.id}`)
        .filter((m) => m.event === 'application.created' || m.event === 'application.status_changed')
        .map((m) => {
          const data = m.data as { status?: string; new_status?: string };
          return data.new_status ?? data.status ?? '';
        });
      assert.equal(new Set(statuses).size, statuses.length, `each status once: ${statuses.join(', ')}`);
      assert.ok(inOrder(statuses, ['reviewing', 'interviewing', 'offer_received']), statuses.join(', '));
      assert.equal(statuses.at(-1), 'offer_received');
      const created = native.events('postings').filter((m) => m.event === 'posting.created');
      assert.equal(created.length, 1, 'the job is one posting');
    },
  );
}

test('Ashby (Ashby-Signature) and Lever (signature in the body) deliveries: an interview scheduled once, the offer last', async (t) => {
  const { url, wsUrl } = await startServer(t, SECRETS);
  const alan = await signUp(url, 'Alan', 'job_seeker');
  const native = await watcher(t, wsUrl, alan.token, [`user:${alan.id}`]);
  const bodies = recorded('ashby.json').map((body) => JSON.stringify(body));
  for (const raw of shuffledThrice(bodies, 3)) {
    const sig = `sha256=${hmac(SECRETS.ASHBY_WEBHOOK_SECRET, raw)}`;
    assert.equal((await deliver(url, 'ashby', raw, { 'ashby-signature': sig })).status, 200);
  }
  const apps = await alan.call<{ status: string }[]>('GET', '/api/v1/applications');
  assert.deepEqual(
    apps.body.map((a) => a.status),
    ['offer_received'],
  );
  // The vendor's steps are on the application's timeline, taken by no Jobstream user.
  const timeline = await alan.call<{
    entries: { kind: string; actor_id: string | null; detail: { source?: string } }[];
  }>('GET', `/api/v1/applications/${(apps.body[0] as unknown as { id: number }).id}/timeline`);
  const steps = timeline.body.entries;
  assert.equal(steps[0]?.kind, 'applied');
  assert.equal(steps.filter((s) => s.kind === 'interview_scheduled').length, 1);
  assert.ok(
    steps.every((s) => s.actor_id === null && s.detail.source === 'ashby'),
    JSON.stringify(steps),
  );
  const interviews = await alan.call<{ scheduled_date: string; duration_minutes: number }[]>(
    'GET',
    '/api/v1/interviews',
  );
  assert.deepEqual(
    interviews.body.map((i) => [i.scheduled_date, i.duration_minutes]),
    [['2026-12-10T14:00:00.000Z', 45]],
  );
  await native.next('event', (m) => m.event === 'interview.scheduled', 10_000);
  assert.equal(native.events(`user:${alan.id}`).filter((m) => m.event === 'interview.scheduled').length, 1);

  // Lever: `signature` is the HMAC of token + triggeredAt, in the body.
  const token = 'a1b2c3d4e5';
  const triggeredAt = 1764590400000;
  const lever = (signature: string) =>
    JSON.stringify({
      id: 'evt-lever-1',
      triggeredAt,
      event: 'candidateStageChange',
      token,
      signature,
      data: { opportunityId: 'opp-1', candidateId: 'opp-1', toStageId: 'st-9', fromStageId: 'st-8' },
    });
  const signed = lever(hmac(SECRETS.LEVER_WEBHOOK_SECRET, `${token}${triggeredAt}`));
  const first = await deliver(url, 'lever', signed, {});
  assert.deepEqual([first.status, first.body.outcome], [200, 'ignored']);
  assert.equal((await deliver(url, 'lever', signed, {})).body.outcome, 'duplicate');
  assert.equal((await deliver(url, 'lever', lever(hmac('wrong', `${token}${triggeredAt}`)), {})).status, 401);
});

test('Greenhouse: a hire after the offer is accepted; a stage change older than it, arriving late, is stale and changes nothing', async (t) => {
  const { url } = await startServer(t, SECRETS);
  const grace = await signUp(url, 'Grace', 'job_seeker');
  const [, review, , offer] = recorded('greenhouse.json') as {
    action: string;
    payload: { application: Record<string, unknown> };
  }[];
  assert.ok(review && offer);
  const hire = {
    action: 'hire_candidate',
    payload: { application: { ...offer.payload.application, last_activity_at: '2026-11-28T09:00:00.000Z' } },
  };
  const send = async (body: unknown) => {
    const raw = JSON.stringify(body);
    const sig = `sha256 ${hmac(SECRETS.GREENHOUSE_WEBHOOK_SECRET, raw)}`;
    return (await deliver(url, 'greenhouse', raw, { signature: sig })).body.outcome;
  };
  assert.equal(await send(offer), 'applied');
  assert.equal(await send(hire), 'applied');
  assert.equal(await send(review), 'stale');
  const apps = await grace.call<{ status: string }[]>('GET', '/api/v1/applications');
  assert.deepEqual(
    apps.body.map((a) => a.status),
    ['accepted'],
  );
});

test('Ashby job postings published and unpublished: a late publish after the unpublish leaves it closed', async (t) => {
  const { url } = await startServer(t, SECRETS);
  const post = (action: string, updatedAt: string) => ({
    action,
    data: {
      jobPosting: {
        id: 'jp-9',
        jobId: 'job-77',
        title: 'Data Platform Engineer',
        locationName: 'Remote',
        isListed: action === 'jobPostingPublish',
        updatedAt,
      },
    },
  });
  const send = async (body: unknown) => {
    const raw = JSON.stringify(body);
    const sig = `sha256=${hmac(SECRETS.ASHBY_WEBHOOK_SECRET, raw)}`;
    return (await deliver(url, 'ashby', raw, { 'ashby-signature': sig })).body.outcome;
  };
  assert.equal(await send(post('jobPostingPublish', '2026-11-01T00:00:00.000Z')), 'applied');
  const open = await api(url)<{ items: { is_active: boolean; source: string; location: string }[] }>(
    'GET',
    '/api/v1/jobs',
  );
  assert.deepEqual(
    open.body.items.map((p) => [p.is_active, p.source, p.location]),
    [[true, 'ashby', 'Remote']],
  );
  assert.equal(await send(post('jobPostingUnpublish', '2026-11-20T00:00:00.000Z')), 'applied');
  assert.equal(await send(post('jobPostingPublish', '2026-11-10T00:00:00.000Z')), 'stale');
  const closed = await api(url)<{ items: { is_active: boolean }[] }>('GET', '/api/v1/jobs');
  assert.deepEqual(
    closed.body.items.map((p) => p.is_active),
    [false],
  );
});
