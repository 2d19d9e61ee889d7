import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', timeout: 20_000 });

test('serve --help lists every flag with the environment variable it mirrors and its default', () => {
  const out = run(['serve', '--help']);
  assert.equal(out.status, 0);
  for (const [flag, env] of [
    ['--port', 'PORT'],
    ['--heartbeat-interval-ms', 'HEARTBEAT_INTERVAL_MS'],
    ['--api-key', 'JOBSTREAM_API_KEY'],
    ['--max-payload-bytes', 'MAX_PAYLOAD_BYTES'],
    ['--redis-host', 'REDIS_HOST'],
  ]) {
    assert.match(out.stdout, new RegExp(`${flag}\\s+${env}`));
  }
  assert.match(out.stdout, /--port\s+PORT\s+HTTP port \(default 8000\)/);
  assert.match(out.stdout, /--demo/);
});

test("-h works on every command and prints that command's usage; --help too", () => {
  const commands = [
    [],
    ['serve'],
    ['worker'],
    ['user'],
    ['user', 'add'],
    ['user', 'list'],
    ['tail'],
    ['scrape'],
    ['version'],
  ];
  const help = new Map<string, string>();
  for (const command of commands) {
    const out = run([...command, '-h']);
    assert.equal(out.status, 0, `${command.join(' ')} -h: ${out.stderr}`);
    assert.match(
      out.stdout,
      new RegExp(`^Usage: jobstream ${command.join(' ')}`.trimEnd()),
      command.join(' '),
    );
    help.set(command.join(' '), out.stdout);
  }
  assert.equal(run(['user', 'add', '--help']).stdout, help.get('user add'));
  assert.match(help.get('user add')!, /--database-url/);
  assert.match(
    help.get('tail')!,
    /--url[\s\S]*JOBSTREAM_URL[\s\S]*--token[\s\S]*--since[\s\S]*--types[\s\S]*--json/,
  );
  assert.match(help.get('scrape')!, /--once[\s\S]*--source-allow-private\s+SOURCE_ALLOW_PRIVATE/);
  assert.match(help.get('')!, /serve[\s\S]*worker[\s\S]*user[\s\S]*tail[\s\S]*scrape[\s\S]*version/);
  assert.match(help.get('')!, /Exit codes: 0 done; 1 failed.*; 2 bad usage or setting/);
  const bare = run([]);
  assert.equal(bare.status, 0);
  assert.equal(bare.stdout, help.get(''));
});

test('-v, --version and version print the version', () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  for (const args of [['-v'], ['--version'], ['version']]) {
    const out = run(args);
    assert.equal(out.status, 0);
    assert.equal(out.stdout, `${version}\n`);
  }
});

test('an unknown command is refused with a suggestion and exit code 2', () => {
  const out = run(['serv']);
  assert.equal(out.status, 2);
  assert.match(out.stderr, /unknown command 'serv'.*\n.*Did you mean serve/);
});
