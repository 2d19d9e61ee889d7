// Unpacked Manifest V3 extensions in Debian's Chromium, for extension.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import type { ClientOptions } from '../../src/index.js';
import { sleep } from '../helpers/jobstream.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const missing = !existsSync(CHROMIUM);

/** An extension whose service worker (an ES module) bundles the SDK, with these client options. */
export async function writeSdkExtension(
  dir: string,
  options: Pick<ClientOptions, 'url' | 'initialDelayMs' | 'maxDelayMs' | 'keepAliveMs'>,
): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('sdk-worker.ts', import.meta.url))],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@jobstream/source'],
    define: { JOBSTREAM_OPTIONS: JSON.stringify(options) },
    logLevel: 'silent',
  });
  const manifest = {
    manifest_version: 3,
    name: 'Jobstream SDK in a service worker',
    version: '1.0',
    background: { service_worker: 'worker.js', type: 'module' },
    permissions: ['storage'],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

export interface Launched {
  context: BrowserContext;
  /** The service worker whose script is `script`, once its extension has started it. */
  worker(script: string): Promise<Worker>;
  /** Chromium's log lines of what `worker`'s console was told, warnings from Chromium included. */
  consoleOf(worker: Worker): string[];
}

/**
 * Headless Chromium with unpacked extensions, each written into its own folder by `writers`; the
 * profile (extensions need a persistent one) and the folders are removed once Chromium has closed.
 */
export async function launchWithExtensions(
  t: TestContext,
  writers: ((dir: string) => void | Promise<void>)[],
): Promise<Launched> {
  if (missing)
    throw new Error(`CI=true and no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
  const root = mkdtempSync(join(tmpdir(), 'jobstream-extension-'));
  // One hook, registered before anything can fail: Chromium is closed first, then its profile removed
  // (removing it while Chromium still writes there fails, and a failed hook would leave Chromium running).
  const open: { context?: BrowserContext } = {};
  t.after(async () => {
    await open.context?.close();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  const dirs = writers.map((_, i) => join(root, `extension-${i}`));
  for (const [i, write] of writers.entries()) {
    mkdirSync(dirs[i]!);
    await write(dirs[i]!);
  }
  const profile = join(root, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      // Workers' console lines, and Chromium's own warnings to them, go to chrome_debug.log.
      '--enable-logging',
      `--disable-extensions-except=${dirs.join(',')}`,
      `--load-extension=${dirs.join(',')}`,
    ],
  });
  open.context = context;
  return {
    context,
    async worker(script) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = context.serviceWorkers().find((w) => w.url().endsWith(`/${script}`));
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no service worker ${script} started`);
        await context.waitForEvent('serviceworker', { timeout: left }).catch(() => undefined);
      }
    },
    consoleOf(worker) {
      const log = readFileSync(join(profile, 'chrome_debug.log'), 'utf8');
      return log.split('\n').filter((line) => line.includes(':CONSOLE') && line.includes(`${worker.url()} `));
    },
  };
}

/** Polls `read` until `check` holds; fails with `what` (and the last value) after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}
