// Headless Chromium against a real Jobstream for the page tests: the build, a page, REST calls.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import type { JobstreamOptions } from '../../server/src/server.js';
import { startServer as startJobstream, type TestServer } from '../../server/test/helpers/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
export const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

let browser: Browser | undefined;
let built: string | undefined;

/**
 * Builds the dashboard as `npm start` does, but into a folder of this test file's own: test files run
 * side by side, and one emptying packages/web/dist while another's page loads it left that page
 * without its script (a connection that never opened).
 */
export async function launch(): Promise<void> {
  if (skip) return;
  if (missing)
    throw new Error(`CI=true and no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
  const outDir = mkdtempSync(join(tmpdir(), 'jobstream-web-'));
  built = outDir;
  await build({
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export async function close(): Promise<void> {
  await browser?.close();
  if (built) rmSync(built, { recursive: true, force: true });
}

/** The dashboard `launch` built, for a server started with the server's own test helper. */
export function dashboardDir(): string {
  if (!built) throw new Error('launch() first: it builds the dashboard');
  return built;
}

/** A Jobstream for one test, whose idle sockets are cut so the graceful close does not wait. */
export async function startServer(
  t: TestContext,
  env: Record<string, string> = {},
  options: JobstreamOptions = {},
): Promise<TestServer> {
  const started: { server?: TestServer } = {};
  // Node's fetch may leave an idle socket that would hold the graceful close for a minute.
  t.after(() => setTimeout(() => started.server?.server.app.server.closeAllConnections(), 300).unref());
  started.server = await startJobstream(t, env, { dashboardDir: dashboardDir(), ...options });
  return started.server;
}

/** A page of its own (a window: its own storage) at `url` + `hash`, failing the test on any page or console error. */
export async function openPage(
  t: TestContext,
  url: string,
  hash = '',
  viewport = { width: 1280, height: 800 },
  beforeLoad?: (page: Page) => Promise<void>,
): Promise<Page> {
  const context = await browser!.newContext({ viewport });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (m) => {
    // A refused REST call the page shows itself is logged by Chromium as a failed resource: not ours;
    // nor is its note that a test's (incognito) context has no Push API, which the page reports itself.
    const theirs = /Failed to load resource|does not support the Push API in incognito/;
    if (m.type() === 'error' && !theirs.test(m.text())) errors.push(m.text());
  });
  t.after(() => assert.deepEqual(errors, [], 'no errors in the page'));
  await beforeLoad?.(page);
  await page.goto(`${url}/${hash}`);
  await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
  return page;
}

/** Signs in through the form of `/#/signin`, then waits until the header names the user. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  const back = await page.evaluate(() => window.location.hash);
  await page.evaluate(() => (window.location.hash = '/signin'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 10_000 });
  await page.evaluate((h) => (window.location.hash = h), back);
  await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
}

export async function rest<T>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Registers and signs in over REST; the token and id. */
export async function account(
  url: string,
  name: string,
  role: 'job_seeker' | 'recruiter',
): Promise<{ id: string; token: string; email: string; password: string }> {
  const email = `${name.toLowerCase()}@example.test`;
  const password = 'a long enough password';
  await rest(url, 'POST', '/api/v1/auth/register', { email, password, role, name });
  const login = await rest<{ access_token: string; user: { id: string } }>(
    url,
    'POST',
    '/api/v1/auth/login',
    {
      email,
      password,
    },
  );
  return { id: login.user.id, token: login.access_token, email, password };
}
