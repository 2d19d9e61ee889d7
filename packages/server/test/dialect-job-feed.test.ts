import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import WebSocket from 'ws';
import { version } from '../src/version.js';
import { api, signUp } from './helpers/api.js';
import { startServer, type TestServer } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

/** job-feed.md's endpoint. */
const PATH = '/api/v1/ws/jobs';
const OFFSET_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;

/** A job-feed client that has received its `connected` message. */
async function connectFeed(t: TestContext, url: string): Promise<TestClient> {
  const client = new TestClient(url);
  t.after(() => client.ws.terminate());
  await client.next('connected');
  return client;
}

/** Every message of a type, as the document's clients read them. */
const ofType = (client: TestClient, type: string): Message[] =>
  client.received.filter((m) => m.type === type);

/** Asserts the document's envelope: exactly {type, timestamp, data} (+ event_id for events). */
function assertEnvelope(message: Message, type: string, withEventId = false): Record<string, unknown> {
  assert.equal(message.type, type);
  assert.deepEqual(
    Object.keys(message).sort(),
    ['data', 'timestamp', 'type', ...(withEventId ? ['event_id'] : [])].sort(),
  );
  assert.match(String(message.timestamp), OFFSET_UTC);
  assert.equal(typeof message.data, 'object');
  return message.data as Record<string, unknown>;
}

// The canonical shapes the scrape producer (#5) is expected to publish on `scrapes`.
const scrapeStarted = { source: 'greenhouse', expected_duration_seconds: 30 };
const scrapeCompleted = {
  source: 'greenhouse',
  jobs_found: 42,
  new_jobs: 10,
  updated_jobs: 5,
  duration_seconds: 32.5,
  errors: 0,
};

/** A canonical posting as the domain emits it, with the document's example values. */
const examplePosting = {
  id: 123,
  company: 'TechCorp',
  job_title: 'Senior Backend Engineer',
  job_description: 'Build APIs',
  job_url: 'https://...',
  location: 'Remote',
  source: 'greenhouse',
  skills_required: ['Python'],
  is_active: true,
  posted_by: null,
  created_at: '2025-10-14T00:01:23.000Z',
  updated_at: '2025-10-14T00:01:23.000Z',
};

async function publishAll(server: TestServer['server']): Promise<void> {
  await server.hub.publish({ topic: 'postings', type: 'posting.created', data: { posting: examplePosting } });
  await server.hub.publish({
    topic: 'postings',
    type: 'posting.updated',
    data: { posting: examplePosting, changes: ['job_description'] },
  });
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.started', data: scrapeStarted });
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.completed', data: scrapeCompleted });
}

test('connected on both paths: the envelope, a +00:00 timestamp, the message and the version', async (t) => {
  const { wsUrl } = await startServer(t);
  for (const path of [PATH, `${PATH}/`]) {
    const client = await connectFeed(t, `${wsUrl}${path}`);
    const connected = client.received[0]!;
    const data = assertEnvelope(connected, 'connected');
    assert.deepEqual(data, { message: 'Connected to Jobstream', version });
    client.ws.close();
    assert.equal((await client.closed).code, 1005);
  }
});

test("the browser console example: ping on open, pong back (the document's ping shapes)", async (t) => {
  const { wsUrl } = await startServer(t);
  // As the document's "Using Browser Console" example: parse every message, send a ping on open.
  const ws = new WebSocket(`${wsUrl}${PATH}`);
  t.after(() => ws.terminate());
  const received: Message[] = [];
  ws.onopen = () => ws.send(JSON.stringify({ type: 'ping' }));
  ws.onmessage = (event) => received.push(JSON.parse(event.data as string) as Message);
  while (received.length < 2) await sleep(10);
  assert.deepEqual(
    received.map((m) => m.type),
    ['connected', 'pong'],
  );
  assert.deepEqual(assertEnvelope(received[1]!, 'pong'), {});

  // The document's client ping carries a timestamp; wscat's has none.
  ws.send(JSON.stringify({ type: 'ping', timestamp: '2025-10-14T00:07:00Z' }));
  ws.send('{"type": "ping"}');
  while (received.length < 4) await sleep(10);
  assert.deepEqual(
    received.map((m) => m.type),
    ['connected', 'pong', 'pong', 'pong'],
  );
});

test("new_job and job_updated from REST writes, in the document's shapes", async (t) => {
  const { url, wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  const created = await api(url)<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'TechCorp',
    job_title: 'Senior Backend Engineer',
    job_description: 'Build APIs',
    job_url: 'https://techcorp.example/jobs/1',
    location: 'Remote',
    source: 'greenhouse',
    skills_required: ['Python'],
  });
  assert.equal(created.status, 201);
  const jobId = created.body.id;
  const newJob = await client.next('new_job');
  assert.deepEqual(assertEnvelope(newJob, 'new_job', true), {
    job_id: jobId,
    title: 'Senior Backend Engineer',
    company: 'TechCorp',
    location: 'Remote',
    score: null, // a posting has no score of its own
    url: 'https://techcorp.example/jobs/1',
  });
  assert.equal(newJob.event_id, 'postings@1');

  const patched = await api(url)('PATCH', `/api/v1/jobs/${jobId}`, {
    job_title: 'Staff Backend Engineer',
    job_description: 'Build more APIs',
    job_url: 'https://techcorp.example/jobs/1b',
    location: 'Remote',
  });
  assert.equal(patched.status, 200);
  const updated = await client.next('job_updated');
  assert.deepEqual(assertEnvelope(updated, 'job_updated', true), {
    job_id: jobId,
    changes: ['title', 'description', 'url'], // location did not change
    new_score: null,
  });

  // Deactivating is an update too.
  await api(url)('PATCH', `/api/v1/jobs/${jobId}`, { is_active: false });
  const deactivated = await client.next(
    'job_updated',
    (m) => (m.data as { changes: string[] }).changes[0] === 'is_active',
  );
  assert.deepEqual(deactivated.data, { job_id: jobId, changes: ['is_active'], new_score: null });
});

test("the document's example payloads, from canonical events carrying a score", async (t) => {
  const { server, wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  await server.hub.publish({
    topic: 'postings',
    type: 'posting.created',
    data: { posting: examplePosting, score: 0.95 },
  });
  await server.hub.publish({
    topic: 'postings',
    type: 'posting.updated',
    data: { posting: examplePosting, changes: ['score', 'job_description'], score: 0.97 },
  });
  assert.deepEqual((await client.next('new_job')).data, {
    job_id: 123,
    title: 'Senior Backend Engineer',
    company: 'TechCorp',
    location: 'Remote',
    score: 0.95,
    url: 'https://...',
  });
  assert.deepEqual((await client.next('job_updated')).data, {
    job_id: 123,
    changes: ['score', 'description'],
    new_score: 0.97,
  });
});

test("scrape_started and scrape_completed, exactly the document's examples", async (t) => {
  const { server, wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.started', data: scrapeStarted });
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.completed', data: scrapeCompleted });
  const started = await client.next('scrape_started');
  assert.deepEqual(assertEnvelope(started, 'scrape_started', true), {
    source: 'greenhouse',
    expected_duration_seconds: 30,
  });
  const completed = await client.next('scrape_completed');
  assert.deepEqual(assertEnvelope(completed, 'scrape_completed', true), {
    source: 'greenhouse',
    jobs_found: 42,
    new_jobs: 10,
    updated_jobs: 5,
    duration_seconds: 32.5,
    errors: 0,
  });
  assert.equal(completed.event_id, 'scrapes@2');

  // The Scraper Status Monitor example keys its state by `data.source` and spreads `data`.
  const scrapers: Record<string, Record<string, unknown>> = {};
  for (const { type, data } of [started, completed] as { type: string; data: Record<string, unknown> }[]) {
    const source = String(data.source);
    if (type === 'scrape_started') scrapers[source] = { status: 'running' };
    else scrapers[source] = { status: 'completed', ...data };
  }
  assert.equal(scrapers.greenhouse?.new_jobs, 10);
});

test('subscribe filters what the connection receives; none or [] is ["all"]', async (t) => {
  const { server, wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  const baseline = server.hub.stats().subscriptions;

  // The document's subscribe message, and its `subscribed` answer.
  client.send({ type: 'subscribe', events: ['new_job', 'scrape_completed'] });
  const subscribed = await client.next('subscribed');
  assert.deepEqual(assertEnvelope(subscribed, 'subscribed'), { events: ['new_job', 'scrape_completed'] });
  await publishAll(server);
  await client.next('scrape_completed');
  await sleep(50);
  assert.deepEqual(
    client.received.filter((m) => m.event_id).map((m) => m.type),
    ['new_job', 'scrape_completed'],
  );

  // wscat's example: only new_job. The scrapes topic is dropped, not merely filtered.
  client.send({ type: 'subscribe', events: ['new_job'] });
  await client.upcoming('subscribed', (m) => (m.data as { events: string[] }).events.length === 1);
  assert.equal(server.hub.stats().subscriptions, baseline - 1);
  client.received.length = 0;
  await publishAll(server);
  await sleep(100);
  assert.deepEqual(
    client.received.map((m) => m.type),
    ['new_job'],
  );

  // No events, an empty list, or "all": everything again.
  for (const message of [
    { type: 'subscribe' },
    { type: 'subscribe', events: [] },
    { type: 'subscribe', events: ['all'] },
  ]) {
    client.received.length = 0;
    client.send(message);
    const answer = await client.next('subscribed');
    assert.deepEqual(answer.data, { events: ['all'] });
    await publishAll(server);
    await client.next('scrape_completed');
    assert.deepEqual(
      client.received.filter((m) => m.event_id).map((m) => m.type),
      ['new_job', 'job_updated', 'scrape_started', 'scrape_completed'],
    );
  }
  assert.equal(server.hub.stats().subscriptions, baseline);

  // The Scraper Status Monitor's filter: postings are dropped.
  client.send({ type: 'subscribe', events: ['scrape_started', 'scrape_completed'] });
  await client.upcoming('subscribed');
  client.received.length = 0;
  await publishAll(server);
  await client.next('scrape_completed');
  await sleep(50);
  assert.deepEqual(
    client.received.map((m) => m.type),
    ['scrape_started', 'scrape_completed'],
  );
});

test('a reconnect gets connected again, and a fresh filter', async (t) => {
  const { server, wsUrl } = await startServer(t);
  const first = await connectFeed(t, `${wsUrl}${PATH}`);
  first.send({ type: 'subscribe', events: ['scrape_started'] });
  await first.next('subscribed');
  first.ws.close();
  await first.closed;
  const second = await connectFeed(t, `${wsUrl}${PATH}`);
  await publishAll(server);
  await second.next('scrape_completed');
  assert.equal(second.received.filter((m) => m.event_id).length, 4);
});

test('errors: invalid JSON, unknown type, bad fields; the socket stays open', async (t) => {
  const { wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  const cases: [string, string][] = [
    ['not json', 'Invalid JSON'],
    ['{"type": "dance"}', 'Unknown message type: dance'],
    ['{"events": ["new_job"]}', 'Message must have a string "type"'],
    ['[1, 2]', 'Message must be a JSON object'],
    [
      '{"type": "subscribe", "events": "new_job"}',
      'Invalid subscribe message: "events" must be a list of at most 32 event type names',
    ],
  ];
  for (const [text, message] of cases) {
    const error = client.upcoming('error');
    client.send(text);
    const data = assertEnvelope(await error, 'error');
    assert.equal(data.message, message, text);
    assert.equal(typeof data.code, 'string');
  }
  const pong = client.upcoming('pong');
  client.send({ type: 'ping' });
  await pong;
  assert.equal(client.ws.readyState, WebSocket.OPEN);
  // A pong (some clients answer heartbeats with one) is accepted silently.
  client.send({ type: 'pong' });
  await sleep(50);
  assert.equal(ofType(client, 'error').length, cases.length);
});

test('rate limit: the 101st message in a minute gets a clear error; the socket stays open', async (t) => {
  // The gateway's own limiter is widened so that the document's limit is what is measured.
  const { wsUrl } = await startServer(t, { RATE_LIMIT_BURST: '2000', RATE_LIMIT_PER_SEC: '2000' });
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  for (let i = 0; i < 101; i++) client.send({ type: 'ping' });
  const error = await client.next('error');
  const data = assertEnvelope(error, 'error');
  assert.match(
    String(data.message),
    /^Rate limit exceeded: at most 100 messages per minute and 1000 per hour/,
  );
  assert.equal(data.code, 'rate_limited');
  assert.equal(data.retry_after_seconds, 1);
  await sleep(50);
  assert.equal(ofType(client, 'pong').length, 100);
  // 100 a minute refills one message every 0.6 s.
  await sleep(700);
  const pong = client.upcoming('pong');
  client.send({ type: 'ping' });
  await pong;
  assert.equal(client.ws.readyState, WebSocket.OPEN);
});

test('the gateway flood limit is reported in the same words', async (t) => {
  const { wsUrl } = await startServer(t, { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SEC: '1' });
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  for (let i = 0; i < 6; i++) client.send({ type: 'ping' });
  const data = (await client.next('error')).data as { message: string };
  assert.match(data.message, /^Rate limit exceeded/);
  // Going on past a second burst is a flood: 1008.
  for (let i = 0; i < 10; i++) client.send({ type: 'ping' });
  assert.equal((await client.closed).code, CloseCode.policy);
});

test('heartbeat on a fixed schedule, whatever the filter, with a ping frame', async (t) => {
  const { wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  client.send({ type: 'subscribe', events: ['new_job'] });
  await client.next('subscribed');
  let pings = 0;
  client.ws.on('ping', () => pings++);
  const first = await client.upcoming('heartbeat');
  const second = await client.upcoming('heartbeat');
  assert.deepEqual(assertEnvelope(first, 'heartbeat'), {});
  const gap = Date.parse(String(second.timestamp)) - Date.parse(String(first.timestamp));
  assert.ok(gap >= 80 && gap <= 200, `heartbeats ${gap} ms apart`);
  assert.ok(pings >= 1, 'a WebSocket ping frame with each heartbeat');
  // A live peer (ws answers pings) is never dropped.
  await sleep(350);
  assert.equal(client.ws.readyState, WebSocket.OPEN);
});

test('a peer that stops answering pings is dropped', async (t) => {
  const { wsUrl } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const client = new TestClient(`${wsUrl}${PATH}`, { autoPong: false });
  t.after(() => client.ws.terminate());
  await client.next('connected');
  const { code } = await client.closed;
  assert.equal(code, 1006); // terminated without a close frame
});

test('AUTH_REQUIRED: anonymous clients get 4001, a malformed token 4003, a signed-in one is served', async (t) => {
  const { url, wsUrl } = await startServer(t, { AUTH_REQUIRED: 'true' });
  const anonymous = new TestClient(`${wsUrl}${PATH}`);
  t.after(() => anonymous.ws.terminate());
  assert.equal((await anonymous.closed).code, CloseCode.authFailed);
  const malformed = new TestClient(`${wsUrl}${PATH}?token=not-a-token`);
  t.after(() => malformed.ws.terminate());
  assert.equal((await malformed.closed).code, CloseCode.malformedToken);

  const recruiter = await signUp(url, 'Rita', 'recruiter');
  const seeker = await signUp(url, 'Sam', 'job_seeker');
  const client = await connectFeed(t, `${wsUrl}${PATH}?token=${seeker.token}`);
  const created = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'TechCorp',
    job_title: 'Senior Backend Engineer',
    job_description: 'Build APIs',
    source: 'manual',
  });
  assert.equal(created.status, 201);
  const newJob = await client.next('new_job');
  assert.deepEqual(newJob.data, {
    job_id: created.body.id,
    title: 'Senior Backend Engineer',
    company: 'TechCorp',
    location: null,
    score: null,
    url: null,
  });
});

test("a connection never gets another user's events, nor events of other topics or types", async (t) => {
  const { url, server, wsUrl } = await startServer(t);
  const seeker = await signUp(url, 'Ada', 'job_seeker');
  const other = await signUp(url, 'Bo', 'job_seeker');
  const client = await connectFeed(t, `${wsUrl}${PATH}?token=${seeker.token}`);
  const anon = await connectFeed(t, `${wsUrl}${PATH}`);
  // Canonical types the feed renders, but on private topics; and other types on its own topics.
  await server.hub.publish({
    topic: `user:${other.id}`,
    type: 'posting.created',
    data: { posting: examplePosting },
  });
  await server.hub.publish({
    topic: `user:${seeker.id}`,
    type: 'posting.created',
    data: { posting: examplePosting },
  });
  await server.hub.publish({ topic: `work:abc`, type: 'scrape.started', data: scrapeStarted });
  await server.hub.publish({ topic: 'postings', type: 'posting.deleted', data: {} });
  await server.hub.publish({ topic: 'scrapes', type: 'posting.created', data: { posting: examplePosting } });
  // An application by the other user: its events go to private topics only.
  const posting = await api(url)<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'TechCorp',
    job_title: 'Engineer',
    job_description: 'x',
    source: 'manual',
  });
  const applied = await other.call('POST', '/api/v1/applications', { posting_id: posting.body.id });
  assert.equal(applied.status, 201);
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.started', data: scrapeStarted });
  for (const c of [client, anon]) {
    await c.next('scrape_started');
    assert.deepEqual(
      c.received.map((m) => m.type),
      ['connected', 'new_job', 'scrape_started'],
    );
  }
});

test('malformed canonical data renders nulls, never a crash', async (t) => {
  const { server, wsUrl } = await startServer(t);
  const client = await connectFeed(t, `${wsUrl}${PATH}`);
  await server.hub.publish({ topic: 'postings', type: 'posting.created', data: 'nonsense' });
  await server.hub.publish({ topic: 'postings', type: 'posting.updated', data: { changes: [1, 'job_url'] } });
  await server.hub.publish({ topic: 'scrapes', type: 'scrape.completed', data: null });
  assert.deepEqual((await client.next('new_job')).data, {
    job_id: null,
    title: null,
    company: null,
    location: null,
    score: null,
    url: null,
  });
  assert.deepEqual((await client.next('job_updated')).data, {
    job_id: null,
    changes: ['url'],
    new_score: null,
  });
  assert.deepEqual((await client.next('scrape_completed')).data, {
    source: null,
    jobs_found: null,
    new_jobs: null,
    updated_jobs: null,
    duration_seconds: null,
    errors: null,
  });
});

test('events arrive once each, in order, as the same bytes on every connection', async (t) => {
  const { server, wsUrl } = await startServer(t);
  const clients = await Promise.all(Array.from({ length: 20 }, () => connectFeed(t, `${wsUrl}${PATH}`)));
  for (let i = 1; i <= 10; i++) {
    await server.hub.publish({
      topic: 'postings',
      type: 'posting.created',
      data: { posting: { ...examplePosting, id: i } },
    });
  }
  const frames = new Set<string>();
  for (const client of clients) {
    await client.next('new_job', (m) => (m.data as { job_id: number }).job_id === 10);
    const jobs = ofType(client, 'new_job');
    assert.deepEqual(
      jobs.map((m) => (m.data as { job_id: number }).job_id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    frames.add(JSON.stringify(jobs));
  }
  assert.equal(frames.size, 1, 'every client got the same bytes');
});
