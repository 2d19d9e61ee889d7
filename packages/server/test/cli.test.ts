import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { spawnServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

test('--help lists every flag with the environment variable it mirrors', () => {
  const out = run(['serve', '--help']);
  assert.equal(out.status, 0);
  for (const [flag, env] of [
    ['--port', 'PORT'],
    ['--heartbeat-interval-ms', 'HEARTBEAT_INTERVAL_MS'],
    ['--api-key', 'JOBSTREAM_API_KEY'],
    ['--max-payload-bytes', 'MAX_PAYLOAD_BYTES'],
  ]) {
    assert.match(out.stdout, new RegExp(`${flag}\\s+${env}`));
  }
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
