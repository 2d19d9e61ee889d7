import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testDatabaseUrl } from './helpers/server.js';
import { TestClient, publish } from './helpers/ws-client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/jobstream.js', import.meta.url));
const web = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const exec = promisify(execFile);
/** As `npm start` runs it: plain node, none of the test runner's source condition, no tsx. */
const plain = { ...process.env };
delete plain.NODE_OPTIONS;

test(
  'the compiled server (npm start, the jobstream command) runs from dist/ without tsx',
  { timeout: 300_000 },
  async (t) => {
    await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/server'], {
      cwd: root,
      env: plain,
      timeout: 240_000,
    });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const version = await exec(process.execPath, [bin, '--version'], { env: plain });
    assert.equal(version.stdout, `${pkg.version}\n`, 'the compiled CLI finds its package.json');

    // Static files are found from the compiled file, as from the source.
    const rootPage = (await import(new URL('../dist/http/root-page.js', import.meta.url).href)) as {
      defaultDistDir: string;
    };
    assert.equal(rootPage.defaultDistDir, web);

    const child = spawn(process.execPath, [bin, 'serve'], {
      cwd: root,
      env: { ...plain, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: testDatabaseUrl(t), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the compiled server did not start within 60 s')),
        60_000,
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = JSON.parse(line) as { msg?: string; address?: string };
        if (parsed.msg === 'jobstream listening' && parsed.address) {
          clearTimeout(timer);
          resolve(parsed.address);
        }
      });
      child.once('exit', (code) => reject(new Error(`the compiled server exited with ${code}`)));
    });

    const client = await TestClient.connect(t, `${url.replace(/^http/, 'ws')}/ws`);
    await client.subscribe('alerts');
    assert.equal((await publish(url, { topic: 'alerts', type: 'alert.raised', data: { n: 1 } })).status, 200);
    assert.deepEqual((await client.next('event', (m) => m.event === 'alert.raised')).data, { n: 1 });

    const home = await fetch(`${url}/`);
    assert.equal(home.status, 200);
    if (existsSync(`${web}index.html`))
      assert.equal(await home.text(), readFileSync(`${web}index.html`, 'utf8'));
    else assert.match(await home.text(), /npm run build/);
  },
);
