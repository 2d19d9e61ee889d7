import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { shortMatchingRun as matchingRun } from './helpers/matching-run.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

/**
 * Browser clients written the way the documents and their originals' users write them. Django Channels
 * clients reconnect only after an unclean close; many FastAPI clients take 1000 and 1001 as final;
 * channels.md's WebSocketManager reconnects after `reconnectDelay × attempts`; native clients use the SDK.
 */
const clients = String.raw`
window.log = [];
const note = (name, what, code) => window.log.push({ name, what, code, at: Date.now() });

window.daphneClient = (name, url) => {
  const connect = () => {
    const ws = new WebSocket(url);
    ws.onopen = () => note(name, 'open');
    ws.onclose = (event) => {
      note(name, 'close', event.code);
      if (!event.wasClean) setTimeout(connect, 1000);
    };
  };
  connect();
};

window.uvicornClient = (name, url) => {
  let attempts = 0;
  const connect = () => {
    const ws = new WebSocket(url);
    ws.onopen = () => {
      attempts = 0;
      note(name, 'open');
    };
    ws.onclose = (event) => {
      note(name, 'close', event.code);
      if (event.code === 1000 || event.code === 1001) return; // "closed normally": done
      setTimeout(connect, Math.min(1000 * 2 ** attempts++, 30000));
    };
  };
  connect();
};

// channels.md, "Reconnection Strategy"
class WebSocketManager {
  constructor(url, options = {}) {
    this.url = url;
    this.reconnectDelay = options.reconnectDelay || 3000;
    this.maxReconnectAttempts = options.maxReconnectAttempts || 10;
    this.reconnectAttempts = 0;
    this.ws = null;
  }
  connect() {
    this.ws = new WebSocket(this.url);
    this.ws.onopen = () => {
      this.reconnectAttempts = 0;
      note('channels-manager', 'open');
    };
    this.ws.onclose = (event) => {
      note('channels-manager', 'close', event.code);
      this.reconnect();
    };
  }
  reconnect() {
    if (this.reconnectAttempts >= this.maxReconnectAttempts) return;
    this.reconnectAttempts++;
    setTimeout(() => this.connect(), this.reconnectDelay * this.reconnectAttempts);
  }
}
window.WebSocketManager = WebSocketManager;
`;

async function sdkBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../client/src/index.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'Jobstream',
    platform: 'browser',
    conditions: ['@jobstream/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

interface Entry {
  name: string;
  what: string;
  code?: number;
  at: number;
}

test(
  'in Chromium: a documented client of every endpoint is connected again within 5 s of a restart',
  { skip, timeout: 60_000 },
  async (t) => {
    if (missing)
      throw new Error(`CI=true and no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
    const first = await startServer(t);
    const user = await signUp(first.url, 'Rae', 'recruiter');
    const jobId = await matchingRun(user.call);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${first.url}/api/v1/info`);
    await page.addScriptTag({ content: await sdkBundle() });
    await page.addScriptTag({ content: clients });
    const ws = first.wsUrl;
    await page.evaluate(
      ({ ws, http, token, jobId }) => {
        const w = globalThis as unknown as Record<string, (...args: unknown[]) => void> & {
          WebSocketManager: new (url: string, o: object) => { connect(): void };
          Jobstream: {
            createClient(o: object): {
              on(e: string, f: (s: { newState: string }) => void): void;
              subscribe(topic: string, f: () => void): void;
            };
          };
          log: Entry[];
        };
        w.daphneClient!('notifications', `${ws}/ws/notifications/?token=${token}`);
        w.daphneClient!('matching', `${ws}/ws/matching-jobs/${jobId}?token=${token}`);
        w.uvicornClient!('channels', `${ws}/api/v1/ws?user_id=test&channels=jobs,applications`);
        w.uvicornClient!('job-queue', `${ws}/api/ws/jobs`);
        w.uvicornClient!('job-feed', `${ws}/api/v1/ws/jobs`);
        new w.WebSocketManager(`${ws}/api/v1/ws?user_id=test&channels=jobs`, {
          reconnectDelay: 1000,
        }).connect();
        const client = w.Jobstream.createClient({ url: http });
        client.on('state', (s) => w.log.push({ name: 'native', what: s.newState, at: Date.now() }));
        client.subscribe('postings', () => {});
      },
      { ws, http: first.url, token: user.token, jobId },
    );
    const names = [
      'notifications',
      'matching',
      'channels',
      'job-queue',
      'job-feed',
      'channels-manager',
      'native',
    ];
    const log = () => page.evaluate(() => (globalThis as unknown as { log: Entry[] }).log);
    const openSince = async (since: number) =>
      new Set((await log()).filter((e) => e.what === 'open' && e.at >= since).map((e) => e.name));
    const deadline = Date.now() + 10_000;
    while ((await openSince(0)).size < names.length && Date.now() < deadline) await page.waitForTimeout(50);
    assert.deepEqual([...(await openSince(0))].sort(), [...names].sort(), 'all connected at first');

    await first.server.close();
    const gone = Date.now();
    await startServer(t, { PORT: new URL(first.url).port, DATABASE_URL: first.config.databaseUrl });
    const back = Date.now();
    const until = back + 5000;
    while ((await openSince(gone)).size < names.length && Date.now() < until) await page.waitForTimeout(50);
    const entries = await log();
    const late = names.filter(
      (name) => !entries.some((e) => e.name === name && e.what === 'open' && e.at >= gone && e.at <= until),
    );
    assert.deepEqual(
      late,
      [],
      `connected again within 5 s of the server coming back: ${JSON.stringify(entries)}`,
    );
    const closes = Object.fromEntries(entries.filter((e) => e.what === 'close').map((e) => [e.name, e.code]));
    assert.equal(closes.notifications, 1006, 'Daphne endpoints end without a close frame');
    assert.equal(closes.matching, 1006);
    for (const name of ['channels', 'job-queue', 'job-feed', 'channels-manager']) {
      assert.equal(closes[name], 1012, `${name}: uvicorn's 1012 (service restart)`);
    }
    assert.deepEqual(errors, []);
  },
);
