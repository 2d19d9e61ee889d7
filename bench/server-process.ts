// Starts one server under test as its own child process on a free loopback
// port, waits for GET /health, reads its RSS and keeps its notable log lines.

import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { spawnTracked, stopChild } from './children.js';
import type { ClientKind } from './ipc-messages.js';

export type ServerName = 'jobstream' | 'bare' | 'socketio';
export const SERVER_NAMES: readonly ServerName[] = ['jobstream', 'bare', 'socketio'];

export interface ServerSpec {
  name: ServerName;
  label: string;
  client: ClientKind;
  /** node arguments relative to the repository root */
  args: string[];
  /** path of the client endpoint */
  clientPath: string;
  /** extra environment on top of the common one */
  env?: Record<string, string>;
}

export const SERVERS: Record<ServerName, ServerSpec> = {
  jobstream: {
    name: 'jobstream',
    label: 'Jobstream /ws',
    client: 'ws',
    // The compiled server, as `npm start` runs it (`npm run bench` builds it first).
    args: ['packages/server/bin/jobstream.js', 'serve'],
    clientPath: '/ws',
    // Keep the bench's store away from the developer's ./data (.bench/ is gitignored).
    env: { DATABASE_URL: 'sqlite:.bench/jobstream-bench.db' },
  },
  bare: {
    name: 'bare',
    label: 'bare ws',
    client: 'ws',
    args: ['--import', 'tsx', 'bench/servers/bare-ws.ts'],
    clientPath: '/ws',
  },
  socketio: {
    name: 'socketio',
    label: 'Socket.IO',
    client: 'socketio',
    args: ['--import', 'tsx', 'bench/servers/socketio.ts'],
    clientPath: '/',
  },
};

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const MAX_KEPT_LINES = 50;

export interface RunningServer {
  spec: ServerSpec;
  pid: number;
  baseUrl: string;
  clientUrl: string;
  apiKey: string;
  /** log lines at warn level or above, or anything on stderr (first MAX_KEPT_LINES) */
  notable: string[];
  notableCount: number;
  exited: () => string | undefined;
  rssKiB: () => number;
  /** user + system CPU time the server has used so far, ms */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

/** Bind port 0, note the port the kernel picked and release it for the server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => {
        if (port) resolve(port);
        else reject(new Error('no port'));
      });
    });
  });
}

export function readRssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of (nearly always) 10 ms. */
const TICK_MS = 10;
export function readCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
}

/** pino writes JSON lines; level 40 is warn. Non-JSON output counts as notable too. */
function isNotable(line: string, fromStderr: boolean): boolean {
  if (!line.trim()) return false;
  if (fromStderr) return true;
  try {
    const v = JSON.parse(line) as { level?: unknown };
    return typeof v.level === 'number' ? v.level >= 40 : false;
  } catch {
    return true;
  }
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export interface StartOptions {
  /** environment for this server on top of the common one */
  env?: Record<string, string>;
  /** appended to the client URL as ?token= (Jobstream's credential for WebSocket clients) */
  token?: string;
  /** listen on this port instead of a free one (a node restarted where its clients expect it) */
  port?: number;
}

export async function startServer(
  spec: ServerSpec,
  root: string,
  apiKey: string,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  // BENCH_CPU_PROF=<folder>: every server writes a V8 CPU profile there when it stops (Jobstream on its
  // SIGTERM; open one in Chrome's DevTools or summarise it with `node bench/profile-top.ts <file>`).
  const profDir = process.env.BENCH_CPU_PROF;
  const args = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...spec.args] : spec.args;
  const child = spawnTracked(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST,
      JOBSTREAM_API_KEY: apiKey,
      LOG_LEVEL: 'warn',
      MAX_CONNECTIONS: '30000',
      ...spec.env,
      ...opts.env,
    },
  });
  const notable: string[] = [];
  let notableCount = 0;
  let exitNote: string | undefined;
  child.once('exit', (code, signal) => {
    exitNote = `exited with code ${String(code)} signal ${String(signal)}`;
  });
  const watch = (stream: NodeJS.ReadableStream | null, fromStderr: boolean) => {
    if (!stream) return;
    readline.createInterface({ input: stream }).on('line', (line) => {
      if (!isNotable(line, fromStderr)) return;
      notableCount++;
      if (notable.length < MAX_KEPT_LINES) notable.push(line.slice(0, 500));
    });
  };
  watch(child.stdout, false);
  watch(child.stderr, true);

  const baseUrl = `http://${HOST}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy(baseUrl))) {
    if (exitNote !== undefined) throw new Error(`${spec.label} ${exitNote}: ${notable.slice(-5).join('\n')}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${spec.label} not healthy within ${START_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label} has no pid`);
  return {
    spec,
    pid,
    baseUrl,
    apiKey,
    // socket.io-client takes the http origin and upgrades itself.
    clientUrl:
      spec.client === 'socketio'
        ? baseUrl
        : `ws://${HOST}:${port}${spec.clientPath}${opts.token ? `?token=${opts.token}` : ''}`,
    notable,
    get notableCount() {
      return notableCount;
    },
    exited: () => exitNote,
    rssKiB: () => readRssKiB(pid),
    cpuMs: () => readCpuMs(pid),
    // A profile is written as the process exits: give it time to drain and write.
    stop: () => stopChild(child, profDir ? 30_000 : 2000),
  };
}
