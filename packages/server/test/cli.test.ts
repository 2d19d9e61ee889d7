import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { spawnServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';
import { runCli } from './helpers/cli.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
/** `run` without blocking the test's own event loop (for a test that serves something meanwhile). */
const runAsync = (args: string[], env: Record<string, string>) => runCli(args, env, 30_000);

test('a port that is taken is one line naming PORT and --port, exit code 2, no stack', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as AddressInfo;
  const out = await runAsync(['serve'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl(t),
    LOG_LEVEL: 'silent',
  });
  assert.equal(out.status, 2);
  assert.equal(
    out.stderr,
    `jobstream: port ${port} on 127.0.0.1 is already in use: choose another with PORT or --port\n`,
  );
});

test('a bad setting stops the server at start with a message naming the variable', () => {
  const bad = run(['serve'], { HEARTBEAT_INTERVAL_MS: 'soon' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /HEARTBEAT_INTERVAL_MS \(--heartbeat-interval-ms\) is invalid/);
  const badFlag = run(['serve', '--port', '99999']);
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /PORT \(--port\) is invalid/);
  const unknown = run(['serve', '--frobnicate', '1']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /frobnicate/);
});

test('SIGTERM closes /ws sockets with 1012 (service restart) and a retry hint, and exits 0', async (t) => {
  const server = await spawnServer(t);
  const client = await TestClient.connect(t, `${server.url.replace(/^http/, 'ws')}/ws`);
  await client.subscribe('system');
  const code = await stopProcess(server.child, 'SIGTERM');
  assert.equal(code, 0);
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.serviceRestart);
  assert.match(closed.reason, /retry_ms=\d+/);
});

test('jobstream user add creates the first admin, who can then log in', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const added = run(
    [
      'user',
      'add',
      '--email',
      'Boss@Example.test',
      '--password',
      'long-secret-1',
      '--role',
      'admin',
      '--name',
      'Boss',
    ],
    {
      DATABASE_URL: databaseUrl,
    },
  );
  assert.equal(added.status, 0, added.stderr);
  assert.match(added.stdout, /created admin boss@example\.test/);
  const again = run(
    ['user', 'add', '--email', 'boss@example.test', '--password', 'long-secret-1', '--role', 'admin'],
    {
      DATABASE_URL: databaseUrl,
    },
  );
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
  const server = await spawnServer(t, { DATABASE_URL: databaseUrl });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'boss@example.test', password: 'long-secret-1' }),
  });
  assert.equal(login.status, 200);
  assert.equal(((await login.json()) as { user: { role: string } }).user.role, 'admin');
});

test('jobstream user add and user list take --database-url (the flag wins over DATABASE_URL)', (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const elsewhere = testDatabaseUrl(t);
  const add = (email: string, role: string) =>
    run(
      [
        'user',
        'add',
        '--database-url',
        databaseUrl,
        '--email',
        email,
        '--password',
        'long-secret-1',
        '--role',
        role,
      ],
      {
        DATABASE_URL: elsewhere,
      },
    );
  assert.equal(add('rita@example.test', 'recruiter').status, 0);
  assert.equal(add('ada@example.test', 'job_seeker').status, 0);
  const table = run(['user', 'list', '--database-url', databaseUrl], { DATABASE_URL: elsewhere });
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+EMAIL\s+ROLE\s+NAME\s+CREATED$/);
  assert.match(lines[1]!, /rita@example\.test\s+recruiter\s+rita/);
  assert.match(lines[2]!, /ada@example\.test\s+job_seeker\s+ada/);
  const json = run(['user', 'list', '--json'], { DATABASE_URL: databaseUrl });
  const users = json.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    users.map((u) => [u.email, u.role]),
    [
      ['rita@example.test', 'recruiter'],
      ['ada@example.test', 'job_seeker'],
    ],
  );
  assert.ok(users.every((u) => !('password_hash' in u)));
  assert.match(run(['user', 'list'], { DATABASE_URL: elsewhere }).stdout, /^no users/);
});
