import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { publish, startServer } from './helpers/jobstream.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** What an outsider's shell has: no source condition of this repository's test runner. */
const outside = { ...process.env };
delete outside.NODE_OPTIONS;
const exec = promisify(execFile);
const sh = (file: string, args: string[], cwd: string) =>
  exec(file, args, { cwd, env: outside, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
const npm = (args: string[], cwd: string) => sh('npm', [...args, '--no-audit', '--no-fund'], cwd);

/**
 * Packs @jobstream/protocol and @jobstream/client (`prepack` builds them) and installs the tarballs in
 * an empty folder outside the repository, offline: the SDK's dependency (the protocol, which needs zod)
 * and its optional peer `ws` come as tarballs of what the repository has installed.
 */
async function installPackages(t: TestContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  await npm(
    ['pack', '--pack-destination', tarballs, '-w', 'packages/protocol', '-w', 'packages/client'],
    root,
  );
  const deps = ['zod', 'ws'].map((name) => join(root, 'node_modules', name));
  await npm(['pack', '--ignore-scripts', '--pack-destination', tarballs, ...deps], root);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const files = readdirSync(tarballs).map((name) => join(tarballs, name));
  assert.equal(files.length, 4, files.join(', '));
  await npm(['install', '--offline', ...files], app);
  return app;
}

test(
  'the packed SDK installs outside the repository and works from Node, TypeScript and a browser bundle',
  { timeout: 600_000 },
  async (t) => {
    const app = await installPackages(t);
    const installed = join(app, 'node_modules/@jobstream/client');
    assert.ok(existsSync(join(installed, 'dist/index.js')) && existsSync(join(installed, 'dist/index.d.ts')));
    assert.ok(!existsSync(join(installed, 'test')), 'tests are not shipped');

    const server = await startServer(t, { CORS_ORIGINS: '*' });
    await publish(server.url, 'alerts', 'alert.raised', { n: 1 });

    // A plain Node script (Node 20 has no WebSocket of its own: the SDK loads the `ws` peer).
    writeFileSync(
      join(app, 'plain.mjs'),
      `import { createClient } from '@jobstream/client';
const client = createClient({ url: process.argv[2] });
client.subscribe('alerts', (event) => {
  console.log(JSON.stringify({ type: event.type, seq: event.seq, data: event.data, transport: client.transport }));
  client.close();
}, { since: 0 });
`,
    );
    const plain = await sh(process.execPath, ['plain.mjs', server.url], app);
    assert.deepEqual(JSON.parse(plain.stdout), {
      type: 'alert.raised',
      seq: 1,
      data: { n: 1 },
      transport: 'websocket',
    });

    // TypeScript, type-checked against the shipped declarations, compiled and run.
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'out',
          lib: ['es2023', 'dom'],
          types: [],
        },
        include: ['typed.ts'],
      }),
    );
    writeFileSync(
      join(app, 'typed.ts'),
      `import { createClient, type JobstreamEvent, type StateChange } from '@jobstream/client';
declare const process: { argv: string[] };
const client = createClient({ url: process.argv[2]!, maxRetries: 3 });
client.on('state', (change: StateChange) => void change.newState);
client.subscribe('postings', (event) => {
  if (event.type === 'posting.created') {
    const id: number = event.data.posting.id;
    console.log(JSON.stringify({ id, seq: event.seq }));
    client.close();
  }
}, { since: 0 });
export type Seen = JobstreamEvent;
`,
    );
    await sh(process.execPath, [tsc, '-p', '.'], app);
    await fetch(`${server.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        company: 'Acme',
        job_title: 'Engineer',
        job_description: 'Builds things',
        location: 'Remote',
      }),
    });
    const typed = await sh(process.execPath, ['out/typed.js', server.url], app);
    assert.equal((JSON.parse(typed.stdout) as { seq: number }).seq, 1);

    // The declarations are real types, not any: a wrong one fails the check.
    writeFileSync(
      join(app, 'typed.ts'),
      `import { createClient } from '@jobstream/client';\nconst seq: string = createClient({ url: 'x' }).cursor('a')!.seq;\n`,
    );
    await assert.rejects(sh(process.execPath, [tsc, '-p', '.'], app), (error: { stdout: string }) =>
      /TS2322: Type 'number' is not assignable to type 'string'/.test(error.stdout),
    );

    // A browser bundle of the installed package (esbuild, default conditions), in Chromium.
    if (!existsSync(CHROMIUM) && process.env.CI !== 'true')
      return t.diagnostic(`no Chromium at ${CHROMIUM}: browser part skipped`);
    writeFileSync(
      join(app, 'browser.js'),
      `import { createClient } from '@jobstream/client';
const client = createClient({ url: new URLSearchParams(location.search).get('server') });
window.received = [];
client.subscribe('alerts', (event) => window.received.push({ type: event.type, seq: event.seq, transport: client.transport }), { since: 0 });
`,
    );
    const bundle = await build({
      entryPoints: [join(app, 'browser.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    assert.doesNotMatch(script, /from ['"]ws['"]|require\(['"]ws['"]\)/, 'nothing of ws in a browser bundle');
    const page = createServer((req, res) => {
      if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script type="module" src="/app.js"></script>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    t.after(() => page.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    t.after(() => browser.close());
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(
      `http://127.0.0.1:${(page.address() as AddressInfo).port}/?server=${encodeURIComponent(server.url)}`,
    );
    await tab.waitForFunction(
      () => (window as unknown as { received?: unknown[] }).received?.length === 1,
      undefined,
      { timeout: 20_000 },
    );
    assert.deepEqual(await tab.evaluate(() => (window as unknown as { received: unknown[] }).received), [
      { type: 'alert.raised', seq: 1, transport: 'websocket' },
    ]);
    assert.deepEqual(errors, []);
  },
);
