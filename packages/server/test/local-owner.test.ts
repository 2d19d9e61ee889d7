import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { api, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

type Message = { type: string; data?: Record<string, unknown> };

/**
 * channels.md's "Using Browser Console", as written (only the server's address differs), in the two
 * steps a person takes there: the socket, then (once it says it is connected) the job.
 */
const consoleSocket = (host: string) => `
const ws = new WebSocket('ws://${host}/api/v1/ws?user_id=test&channels=jobs,applications');

ws.onopen = () => console.log('Connected');
ws.onmessage = (e) => console.log('Message:', JSON.parse(e.data));
ws.onerror = (e) => console.error('Error:', e);
ws.onclose = () => console.log('Closed');
`;
const consoleJob = (host: string) => `
// Trigger test event by creating a job via API
fetch('http://${host}/api/v1/jobs', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    company: 'Test Corp',
    job_title: 'Test Engineer',
    job_description: 'Test job',
    job_url: 'https://test.com/job/123',
    location: 'Test City',
    source: 'test'
  })
});
`;

/** A channels client (`/api/v1/ws`) that keeps what it receives. */
async function channels(t: TestContext, url: string) {
  const ws = new WebSocket(url);
  t.after(() => ws.terminate());
  const received: Message[] = [];
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as Message));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const until = async (check: () => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  };
  await until(() => received.some((m) => m.type === 'system.connected'), 'system.connected');
  const of = (type: string) => received.filter((m) => m.type === type);
  return { ws, received, closed, until, of };
}

const postJob = (url: string, title = 'Test Engineer') =>
  api(url)<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'Test Corp',
    job_title: title,
    job_description: 'Test job',
    location: 'Test City',
    source: 'test',
  });

test(
  "in Chromium, channels.md's browser-console example shows job.created and job.analyzed on the quick-start defaults",
  { skip, timeout: 60_000 },
  async (t) => {
    if (missing)
      throw new Error(`CI=true and no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
    const { url } = await startServer(t, { LOCAL_OWNER: 'auto' }); // the quick-start default
    // "Open browser console on http://localhost:3000 (your frontend)": a page of another origin.
    const frontend = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>'),
    );
    await new Promise<void>((resolve) => frontend.listen(0, '127.0.0.1', resolve));
    t.after(() => frontend.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    t.after(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(frontend.address() as AddressInfo).port}/`);
    // What the console shows, kept for the test to read; the example itself runs as written.
    await page.evaluate(() => {
      const logged: unknown[][] = [];
      const log = console.log.bind(console);
      Object.assign(globalThis, { logged });
      console.log = (...args: unknown[]) => {
        logged.push(args);
        log(...args);
      };
    });
    const host = new URL(url).host;
    await page.evaluate(consoleSocket(host));
    const read = () =>
      page.evaluate(() =>
        (globalThis as unknown as { logged: unknown[][] }).logged
          .filter((args) => args[0] === 'Message:')
          .map((args) => args[1] as Message),
      );
    let messages: Message[] = [];
    while (!messages.some((m) => m.type === 'system.connected')) {
      await sleep(20);
      messages = await read();
    }
    await page.evaluate(consoleJob(host));
    const deadline = Date.now() + 15_000;
    while (!messages.some((m) => m.type === 'job.analyzed') && Date.now() < deadline) {
      await sleep(50);
      messages = await read();
    }
    const types = messages.map((m) => m.type);
    assert.ok(types.includes('job.created'), `job.created among ${types.join(', ')}`);
    assert.ok(types.includes('job.analyzed'), `job.analyzed among ${types.join(', ')}`);
    const created = messages.find((m) => m.type === 'job.created')!;
    const analyzed = messages.find((m) => m.type === 'job.analyzed')!;
    assert.equal(analyzed.data?.job_id, created.data?.job_id);
    assert.equal(typeof analyzed.data?.match_score, 'number');
  },
);

test('the local owner: a profile without credentials, their analyses and applications to anonymous clients', async (t) => {
  const { url, wsUrl } = await startServer(t, { LOCAL_OWNER: 'auto' }); // the quick-start default
  const call = api(url);
  const profile = await call('PUT', '/api/v1/profile', {
    skills: ['TypeScript'],
    desired_titles: ['Backend Engineer'],
  });
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  const client = await channels(t, `${wsUrl}/api/v1/ws?user_id=test&channels=jobs,applications`);
  assert.equal(client.of('system.connected')[0]!.data?.user_id, 'test', 'the claimed id is echoed');
  const posting = await postJob(url, 'Backend Engineer');
  await client.until(() => client.of('job.analyzed').length === 1, 'job.analyzed');
  assert.ok(Number(client.of('job.analyzed')[0]!.data?.match_score) > 0);
  const applied = await call<{ id: number }>('POST', '/api/v1/applications', { posting_id: posting.body.id });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  await client.until(() => client.of('application.updated').length === 1, 'application.updated');
  const notifications = new WebSocket(`${wsUrl}/ws/notifications/`);
  t.after(() => notifications.terminate());
  const first = await new Promise<Message>((resolve) =>
    notifications.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Message)),
  );
  assert.equal(first.type, 'connection_established', 'notifications.md serves the owner without a token');
});

test('the first account ends the local owner: open connections go, anonymous callers are anonymous again', async (t) => {
  const { url, wsUrl } = await startServer(t, { LOCAL_OWNER: 'auto' }); // the quick-start default
  const call = api(url);
  const owner = await channels(t, `${wsUrl}/api/v1/ws?user_id=test&channels=jobs`);
  const seeker = await signUp(url, 'Ana', 'job_seeker');
  assert.equal(await owner.closed, 1012, "the owner's connection ends, so that it comes back as anonymous");

  assert.equal((await call('PUT', '/api/v1/profile', { skills: ['Go'] })).status, 401);
  assert.equal((await call('GET', '/api/v1/applications')).status, 401);
  await seeker.call('PUT', '/api/v1/profile', { skills: ['TypeScript'], desired_titles: ['Test Engineer'] });
  const anon = await channels(t, `${wsUrl}/api/v1/ws?user_id=test&channels=jobs`);
  const mine = await channels(t, `${wsUrl}/api/v1/ws?token=${seeker.token}&channels=jobs`);
  await postJob(url);
  await mine.until(() => mine.of('job.analyzed').length === 1, "the seeker's own analysis");
  await anon.until(() => anon.of('job.created').length === 1, 'job.created for everyone');
  await sleep(300);
  assert.deepEqual(anon.of('job.analyzed'), [], 'no anonymous client receives a user’s analysis');
  const notifications = new WebSocket(`${wsUrl}/ws/notifications/`);
  const code = await new Promise<number>((resolve) => notifications.on('close', resolve));
  assert.equal(code, 4001, 'notifications.md wants credentials again');
});

test('LOCAL_OWNER=off never takes anonymous callers for the owner; on keeps it with accounts, apart from them', async (t) => {
  const off = await startServer(t, { LOCAL_OWNER: 'off' });
  assert.equal((await api(off.url)('PUT', '/api/v1/profile', { skills: ['Go'] })).status, 401);

  const on = await startServer(t, { LOCAL_OWNER: 'on' });
  const seeker = await signUp(on.url, 'Bo', 'job_seeker');
  await seeker.call('PUT', '/api/v1/profile', { skills: ['TypeScript'], desired_titles: ['Test Engineer'] });
  assert.equal((await api(on.url)('PUT', '/api/v1/profile', { skills: ['Go'] })).status, 200);
  const anon = await channels(t, `${on.wsUrl}/api/v1/ws?channels=jobs`);
  const mine = await channels(t, `${on.wsUrl}/api/v1/ws?token=${seeker.token}&channels=jobs`);
  await postJob(on.url);
  await mine.until(() => mine.of('job.analyzed').length === 1, "the seeker's analysis");
  await anon.until(() => anon.of('job.analyzed').length === 1, "the owner's analysis");
  await sleep(300);
  assert.equal(anon.of('job.analyzed').length, 1, "the owner's only, never the seeker's");
  assert.equal(mine.of('job.analyzed').length, 1);

  assert.throws(() => loadConfig({ LOCAL_OWNER: 'on', AUTH_REQUIRED: 'true' }), /LOCAL_OWNER/);
});
