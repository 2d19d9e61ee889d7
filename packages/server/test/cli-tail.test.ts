import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { spawnServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { publish } from './helpers/ws-client.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const redisUnreachable = await redisSkip();

interface Tail {
  readonly child: ChildProcess;
  /** Resolves with the first `count` lines of stdout (rejects after 30 s). */
  lines(count: number): Promise<string[]>;
  /** Resolves once stderr has had a line matching `pattern`. */
  said(pattern: RegExp): Promise<void>;
}

/** `jobstream tail …` as a child process, killed when the test ends. */
function tail(t: TestContext, args: string[], env: Record<string, string> = {}): Tail {
  const inherited = { ...process.env };
  delete inherited.FORCE_COLOR;
  delete inherited.NO_COLOR;
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'tail', ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const out: string[] = [];
  const err: string[] = [];
  const waiting = new Set<() => void>();
  const wake = () => waiting.forEach((check) => check());
  createInterface({ input: child.stdout }).on('line', (line) => (out.push(line), wake()));
  createInterface({ input: child.stderr }).on('line', (line) => (err.push(line), wake()));
  const until = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}; stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`)),
        30_000,
      );
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return {
    child,
    lines: async (count) => (
      await until(() => out.length >= count, `no ${count} lines`),
      out.slice(0, count)
    ),
    said: (pattern) => until(() => err.some((line) => pattern.test(line)), `stderr never said ${pattern}`),
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test(
  'jobstream tail prints each event once, in order, across a restart of the server it follows',
  { skip: redisUnreachable },
  async (t) => {
    // The broker's history lives in Redis, so the restarted server still has what tail missed.
    const env = {
      PORT: String(await freePort()),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix(t),
      DATABASE_URL: testDatabaseUrl(t),
    };
    const first = await spawnServer(t, env);
    const follower = tail(t, ['alerts', '--json', '--url', first.url]);
    await follower.said(/connected to/);
    assert.equal(
      (await publish(first.url, { topic: 'alerts', type: 'alert.created', data: { n: 1 } })).status,
      200,
    );
    await follower.lines(1);

    assert.equal(await stopProcess(first.child), 0);
    const second = await spawnServer(t, env);
    assert.equal(second.url, first.url);
    // Published at once: tail may still be away, and must get it by resuming from its last seq.
    assert.equal(
      (await publish(second.url, { topic: 'alerts', type: 'alert.created', data: { n: 2 } })).status,
      200,
    );
    assert.equal(
      (await publish(second.url, { topic: 'alerts', type: 'alert.failed', data: { n: 3 } })).status,
      200,
    );
    const events = (await follower.lines(3)).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => [e.topic, e.seq, e.type, e.data]),
      [
        ['alerts', 1, 'alert.created', { n: 1 }],
        ['alerts', 2, 'alert.created', { n: 2 }],
        ['alerts', 3, 'alert.failed', { n: 3 }],
      ],
    );

    // --since 0 replays the history kept; --types filters it; without a terminal, no colour codes.
    const replay = tail(t, ['alerts', '--since', '0', '--types', 'alert.failed', '--url', second.url]);
    const [line] = await replay.lines(1);
    assert.match(line!, /^\d\d:\d\d:\d\d alerts #3 alert\.failed \{"n":3\}$/);
    // Coloured by type where colour is wanted (a terminal; here FORCE_COLOR): created green, failed red.
    const coloured = tail(t, ['alerts', '--since', '0', '--url', second.url], { FORCE_COLOR: '1' });
    const painted = await coloured.lines(3);
    const esc = '\u001b';
    assert.ok(
      painted[0]!.endsWith(`${esc}[2malerts #1${esc}[22m ${esc}[32malert.created${esc}[39m {"n":1}`),
      painted[0],
    );
    assert.ok(painted[2]!.includes(`${esc}[31malert.failed${esc}[39m`), painted[2]);
    replay.child.kill('SIGINT');
    const [code] = (await once(replay.child, 'exit')) as [number | null];
    assert.equal(code, 0, 'Ctrl-C ends tail cleanly');
  },
);
