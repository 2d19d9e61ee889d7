import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inboxDb } from '../src/domain/inbox-tables.js';
import type { Store } from '../src/store/store.js';
import { api, logIn, signUp, watcher, type TestUser } from './helpers/api.js';
import { makePerson, TEST_JWT_SECRET } from './helpers/principals.js';
import { RawSocket, typed } from './helpers/raw-socket.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

interface Item {
  id: number;
  kind: string;
  summary: string;
  audience: string;
  read: boolean;
  urgent: boolean;
  data: Record<string, unknown>;
}
interface Page {
  items: Item[];
  next_before: number | null;
  unread_count: number;
}

const DAY = 86_400_000;

/** Every page of a user's inbox, `limit` at a time, following next_before. */
async function wholeInbox(user: TestUser, query = '', limit = 2): Promise<Item[]> {
  const items: Item[] = [];
  let before: number | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page: { status: number; body: Page } = await user.call<Page>(
      'GET',
      `/api/v1/inbox?limit=${limit}${query}${before === null ? '' : `&before=${before}`}`,
    );
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    before = page.body.next_before;
    if (before === null) return items;
  }
  throw new Error('inbox paging did not end');
}

/** Moves every inbox item and account `ms` into the past: "a week later" without waiting a week. */
async function ageInbox(store: Store, ms: number): Promise<void> {
  const db = inboxDb(store.db);
  const users = await db.selectFrom('users').select(['id', 'created_at']).execute();
  for (const user of users) {
    await db
      .updateTable('users')
      .set({ created_at: new Date(Date.parse(user.created_at) - ms).toISOString() })
      .where('id', '=', user.id)
      .execute();
  }
  const rows = await db.selectFrom('inbox_items').select(['id', 'created_at']).execute();
  for (const row of rows) {
    await db
      .updateTable('inbox_items')
      .set({ created_at: new Date(Date.parse(row.created_at) - ms).toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
}

async function posting(recruiter: TestUser, title = 'Platform Engineer'): Promise<number> {
  const made = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Acme',
    job_title: title,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id;
}

async function apply(seeker: TestUser, jobId: number): Promise<number> {
  const made = await seeker.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: jobId });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id;
}

test('a user back after a week sees the same inbox on two devices and after a restart, in order, once each; reading on one clears the other', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const env = { DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, SCHEDULER_TICK_MS: '100' };
  const first = await startServer(t, env);
  const admin = await makePerson(first, 'Root', 'admin');
  const root = api(first.url, admin.token);
  const rita = await signUp(first.url, 'Rita', 'recruiter');
  const ada = await signUp(first.url, 'Ada', 'job_seeker');
  const jobId = await posting(rita);
  const appId = await apply(ada, jobId);

  // While Ada is online: a status change, a notification to her role, one to everyone.
  const online = await watcher(t, first.wsUrl, ada.token, [`user:${ada.id}`]);
  assert.equal(
    (await rita.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'reviewing' })).status,
    200,
  );
  assert.equal(
    (await root('POST', '/api/v1/notifications', { role: 'job_seeker', message: 'Seekers: new boards' }))
      .status,
    201,
  );
  assert.equal((await root('POST', '/api/v1/notifications', { message: 'Maintenance at noon' })).status, 201);
  await online.next('event', (m) => m.event === 'application.status_changed');
  online.ws.close();

  // While she is away: an interview, a notification to her alone, and one more move.
  const interview = await rita.call('POST', '/api/v1/interviews', {
    application_id: appId,
    interview_type: 'technical',
    scheduled_date: new Date(Date.now() + 10 * DAY).toISOString(),
  });
  assert.equal(interview.status, 201, JSON.stringify(interview.body));
  assert.equal(
    (await root('POST', '/api/v1/notifications', { user_id: ada.id, message: 'Hello Ada' })).status,
    201,
  );
  assert.equal(
    (await rita.call('PATCH', `/api/v1/applications/${appId}/status`, { status: 'interviewing' })).status,
    200,
  );

  // A week passes, and the server restarts.
  await ageInbox(first.server.store, 7 * DAY);
  await first.server.close();
  const second = await startServer(t, env);

  const phone = await logIn(second.url, ada.email);
  const laptop = await logIn(second.url, ada.email);
  const onPhone = await wholeInbox(phone);
  const onLaptop = await wholeInbox(laptop);
  assert.deepEqual(onLaptop, onPhone, 'both devices see the same inbox');
  assert.deepEqual(
    onPhone.map((i) => i.kind),
    [
      'application.status_changed',
      'notification',
      'interview.scheduled',
      'system.notification',
      'notification',
      'application.status_changed',
    ],
    'newest first, each once',
  );
  const ids = onPhone.map((i) => i.id);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
  );
  assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
  assert.deepEqual(
    onPhone.map((i) => i.audience),
    ['user', 'user', 'user', 'everyone', 'role', 'user'],
  );
  assert.equal(onPhone[0]?.summary, 'Your application for Platform Engineer at Acme is now interviewing');
  assert.ok(onPhone.every((i) => !i.read));
  const count = await phone.call<{ unread_count: number }>('GET', '/api/v1/inbox/unread-count');
  assert.equal(count.body.unread_count, 6);

  // Reading on the phone reaches the laptop's connection at once.
  const laptopSocket = await watcher(t, second.wsUrl, laptop.token, [`user:${ada.id}`]);
  const oldest = onPhone[onPhone.length - 1]!;
  const read = await phone.call<{ unread_count: number }>('POST', `/api/v1/inbox/${oldest.id}/read`);
  assert.equal(read.status, 200);
  assert.equal(read.body.unread_count, 5);
  const heard = await laptopSocket.next('event', (m) => m.event === 'inbox.read');
  assert.deepEqual((heard.data as { ids: number[] }).ids, [oldest.id]);
  assert.equal((heard.data as { unread_count: number }).unread_count, 5);
  const unread = await wholeInbox(laptop, '&unread=true');
  assert.deepEqual(
    unread.map((i) => i.id),
    ids.slice(0, -1),
  );
  // Reading it again changes nothing and sends nothing.
  assert.equal((await phone.call('POST', `/api/v1/inbox/${oldest.id}/read`)).status, 200);

  const all = await laptop.call<{ ids: string; unread_count: number; up_to: number }>(
    'POST',
    '/api/v1/inbox/read-all',
  );
  assert.equal(all.body.unread_count, 0);
  assert.equal(all.body.up_to, ids[0]);
  const cleared = await laptopSocket.next(
    'event',
    (m) => m.event === 'inbox.read' && (m.data as { ids: unknown }).ids === 'all',
  );
  assert.equal((cleared.data as { unread_count: number }).unread_count, 0);
  assert.equal(
    laptopSocket.events().filter((m) => m.event === 'inbox.read').length,
    2,
    'a read that changed nothing sends no inbox.read',
  );
  assert.ok((await wholeInbox(phone)).every((i) => i.read));
  assert.deepEqual(await wholeInbox(phone, '&unread=true'), []);
  // Something new after "read all" is unread again.
  assert.equal(
    (
      await api(second.url, admin.token)('POST', '/api/v1/notifications', {
        user_id: ada.id,
        message: 'One more',
      })
    ).status,
    201,
  );
  assert.equal(
    (await phone.call<{ unread_count: number }>('GET', '/api/v1/inbox/unread-count')).body.unread_count,
    1,
  );
});

test('a role notification is one row with a read mark per user; who joins later does not get it', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const admin = await makePerson(server, 'Root', 'admin');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const bo = await signUp(server.url, 'Bo', 'job_seeker');
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  await sleep(5); // a later account's created_at is later
  assert.equal(
    (
      await api(server.url, admin.token)('POST', '/api/v1/notifications', {
        role: 'job_seeker',
        message: 'Seekers!',
      })
    ).status,
    201,
  );
  const rows = await inboxDb(server.server.store.db).selectFrom('inbox_items').selectAll().execute();
  assert.equal(rows.length, 1, 'one row for the whole role');
  assert.equal(rows[0]?.audience, 'role:job_seeker');

  const [adaItem] = (await ada.call<Page>('GET', '/api/v1/inbox')).body.items;
  assert.ok(adaItem);
  assert.equal((await ada.call('POST', `/api/v1/inbox/${adaItem.id}/read`)).status, 200);
  assert.equal((await ada.call<Page>('GET', '/api/v1/inbox')).body.items[0]?.read, true);
  const boPage = (await bo.call<Page>('GET', '/api/v1/inbox')).body;
  assert.equal(boPage.items[0]?.read, false, "Ada's read is hers only");
  assert.equal(boPage.unread_count, 1);

  // Not a recruiter's, and not for a seeker who signed up afterwards.
  assert.deepEqual((await rita.call<Page>('GET', '/api/v1/inbox')).body.items, []);
  assert.equal((await rita.call('POST', `/api/v1/inbox/${adaItem.id}/read`)).status, 404);
  const late = await signUp(server.url, 'Late', 'job_seeker');
  assert.deepEqual((await late.call<Page>('GET', '/api/v1/inbox')).body.items, []);

  // Anonymous callers have no inbox; bad cursors are refused plainly.
  assert.equal((await api(server.url)('GET', '/api/v1/inbox')).status, 401);
  assert.equal((await ada.call('GET', '/api/v1/inbox?before=abc')).status, 400);
  assert.equal((await ada.call('GET', '/api/v1/inbox?limit=1000')).status, 400);
  assert.equal((await ada.call('POST', '/api/v1/inbox/0/read')).status, 400);
});

test('inbox items older than INBOX_RETENTION_DAYS are pruned, younger ones stay', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const env = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    INBOX_RETENTION_DAYS: '30',
    SCHEDULER_TICK_MS: '50',
  };
  const first = await startServer(t, env);
  const admin = await makePerson(first, 'Root', 'admin');
  const ada = await signUp(first.url, 'Ada', 'job_seeker');
  const root = api(first.url, admin.token);
  for (const message of ['old one', 'old two']) {
    assert.equal((await root('POST', '/api/v1/notifications', { user_id: ada.id, message })).status, 201);
  }
  const [read] = (await ada.call<Page>('GET', '/api/v1/inbox')).body.items;
  await ada.call('POST', `/api/v1/inbox/${read!.id}/read`);
  await ageInbox(first.server.store, 31 * DAY);
  assert.equal(
    (await root('POST', '/api/v1/notifications', { user_id: ada.id, message: 'fresh' })).status,
    201,
  );
  await first.server.close();

  const second = await startServer(t, env);
  const again = await logIn(second.url, ada.email);
  let items: Item[] = [];
  for (let i = 0; i < 50; i++) {
    items = (await again.call<Page>('GET', '/api/v1/inbox')).body.items;
    if (items.length === 1) break;
    await sleep(50);
  }
  assert.deepEqual(
    items.map((i) => i.summary),
    ['fresh'],
  );
  const marks = await inboxDb(second.server.store.db).selectFrom('inbox_reads').selectAll().execute();
  assert.deepEqual(marks, [], 'the read marks went with their items');
});

test('only what a person wants later becomes an item: a match of 80 or more, not the seeker’s own application', async (t) => {
  const server = await startServer(t);
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const appId = await apply(ada, await posting(rita));
  const recruiterItems = (await rita.call<Page>('GET', '/api/v1/inbox')).body.items;
  assert.deepEqual(
    recruiterItems.map((i) => [i.kind, i.summary]),
    [['application.created', 'New application from Ada for Platform Engineer']],
  );
  assert.deepEqual(
    (await ada.call<Page>('GET', '/api/v1/inbox')).body.items,
    [],
    'her own application is no news to her',
  );

  // The offer is urgent for the applicant, not for the recruiter who made it.
  for (const status of ['reviewing', 'interviewing', 'offer_received']) {
    assert.equal((await rita.call('PATCH', `/api/v1/applications/${appId}/status`, { status })).status, 200);
  }
  const [offer] = (await ada.call<Page>('GET', '/api/v1/inbox')).body.items;
  assert.equal(offer?.urgent, true);
  assert.equal((await rita.call<Page>('GET', '/api/v1/inbox')).body.items[0]?.urgent, false);

  // Scores come from the analysis pipeline; the rule is the same for any committed event.
  const store = server.server.store;
  const analysis = (score: number) => ({
    topic: `user:${ada.id}`,
    type: 'analysis.completed' as const,
    data: {
      job_id: 1,
      company: 'Acme',
      job_title: 'Platform Engineer',
      user_id: ada.id,
      match_score: score,
      recommendation: 'apply_now' as const,
      strengths: [],
      concerns: [],
      skill_gap: { overall_match: score, matching_skills: [], missing_skills: [] },
    },
  });
  await store.transaction(async (tx) => {
    await tx.emit(analysis(79.9));
    await tx.emit(analysis(87.5));
  });
  const scores = (await ada.call<Page>('GET', '/api/v1/inbox')).body.items.filter(
    (i) => i.kind === 'analysis.completed',
  );
  assert.deepEqual(
    scores.map((i) => i.summary),
    ['Excellent match! 87.5% compatibility with Platform Engineer at Acme'],
  );
});

test('the notifications API tells its unread count on connecting and clears it when another device reads', async (t) => {
  const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
  const admin = await makePerson(server, 'Root', 'admin');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const root = api(server.url, admin.token);
  for (const message of ['one', 'two']) {
    assert.equal((await root('POST', '/api/v1/notifications', { user_id: ada.id, message })).status, 201);
  }
  const socket = new RawSocket(t, `${server.wsUrl}/ws/notifications/?token=${ada.token}`);
  const welcome = (await socket.waitFor(typed('connection_established'))) as Record<string, unknown>;
  assert.equal(welcome.unread_count, 2);
  assert.equal(welcome.user_id, ada.id, 'the documented fields are all there');

  const [newest] = (await ada.call<Page>('GET', '/api/v1/inbox')).body.items;
  await ada.call('POST', `/api/v1/inbox/${newest!.id}/read`);
  const read = (await socket.waitFor(typed('inbox_read'))) as Record<string, unknown>;
  assert.deepEqual(read.ids, [newest!.id]);
  assert.equal(read.unread_count, 1);
  assert.match(String(read.timestamp), /\+00:00$/);
  await ada.call('POST', '/api/v1/inbox/read-all');
  const all = (await socket.waitFor(
    (f) => typed('inbox_read')(f) && (f as { ids: unknown }).ids === 'all',
  )) as Record<string, unknown>;
  assert.equal(all.unread_count, 0);
});
