import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createJobstream, type Jobstream, type JobstreamOptions } from '../../src/server.js';

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly server: Jobstream;
  readonly config: Config;
}

/**
 * Tests sign many users up and in from one address; the per-address limits on login and register are
 * tested on their own (auth-rate-limit.test.ts), which sets them.
 */
const unlimitedSignIns = { LOGIN_RATE_LIMIT_PER_MIN: '0', REGISTER_RATE_LIMIT_PER_MIN: '0' };

/**
 * The suites test what anonymous callers get once accounts exist; the local owner (a caller without
 * credentials taken for the personal server's user, LOCAL_OWNER=auto by default) is tested on its own
 * (local-owner.test.ts), which sets it.
 */
const testDefaults = { ...unlimitedSignIns, LOCAL_OWNER: 'off' };

/** A real Jobstream on an ephemeral loopback port, closed when the test ends. */
export async function startServer(
  t: TestContext,
  env: Record<string, string> = {},
  options: JobstreamOptions = {},
): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl(t),
    ...testDefaults,
    ...env,
  });
  const server = await createJobstream(config, createLogger(config.logLevel), options);
  const url = await server.listen();
  t.after(() => server.close());
  return { url, wsUrl: url.replace(/^http/, 'ws'), server, config };
}

/** A fresh SQLite file in a temporary folder, removed when the test ends. */
export function testDatabaseUrl(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, 'jobstream.db')}`;
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resident memory of the server process, from /proc. */
  rssBytes(): Promise<number>;
}

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** `jobstream serve` as a child process on an ephemeral port, killed when the test ends. */
export async function spawnServer(
  t: TestContext,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', ...args], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: testDatabaseUrl(t),
      ...testDefaults,
      ...env,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 15 s')), 15_000);
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === 'jobstream listening' && parsed.address) {
        clearTimeout(timer);
        resolve(parsed.address);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    child,
    async rssBytes() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return Number(kb) * 1024;
    },
  };
}

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill(signal);
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** `jobstream worker` as a child process, once it says it is running; killed when the test ends. */
export async function spawnWorker(t: TestContext, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start within 15 s')), 15_000);
    lines.on('line', (line) => {
      if ((JSON.parse(line) as { msg?: string }).msg === 'jobstream worker running') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}
