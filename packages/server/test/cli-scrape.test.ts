import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { feedServer } from './helpers/feed-server.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';

const run = (args: string[], env: Record<string, string>) => runCli(args, env);

test('jobstream scrape --once scrapes every enabled source into the store, prints the counts and exits', async (t) => {
  const feeds = await feedServer(t);
  const env = { DATABASE_URL: testDatabaseUrl(t), SOURCE_ALLOW_PRIVATE: '127.0.0.1' };
  const { url } = await startServer(t, env);
  const call = api(url);
  const source = (name: string, kind: string, path: string, enabled = true) =>
    call('POST', '/api/v1/sources', { name, kind, url: `${feeds.url}${path}`, company: 'Acme', enabled });
  assert.equal((await source('acme', 'greenhouse', '/greenhouse')).status, 201);
  assert.equal((await source('down', 'json', '/error')).status, 201);
  assert.equal((await source('paused', 'lever', '/lever', false)).status, 201);

  const all = await run(['scrape', '--once'], env);
  assert.equal(all.status, 1, 'a source that could not be read makes the exit code 1');
  const lines = all.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^acme: jobs_found=2 new_jobs=2 updated_jobs=0 errors=0 duration_seconds=[\d.]+$/);
  assert.match(lines[1]!, /^down: jobs_found=0 new_jobs=0 updated_jobs=0 errors=1 duration_seconds=[\d.]+$/);
  assert.match(lines[2]!, /^ {2}error: .*503/);
  assert.equal(lines.length, 3, 'the disabled source is left alone');
  assert.equal(feeds.hits('/lever'), 0);

  const again = await run(['scrape', '--once', 'acme', '--json'], env);
  assert.equal(again.status, 0, again.stderr);
  const report = JSON.parse(again.stdout) as Record<string, unknown>;
  assert.deepEqual(
    [report.source, report.jobs_found, report.new_jobs, report.updated_jobs, report.errors],
    ['acme', 2, 0, 0, 0],
  );

  const postings = await call<{ items: { company: string }[] }>('GET', '/api/v1/jobs?source=acme');
  assert.equal(postings.body.items.length, 2, 'the server reads what the CLI saved');

  const unknown = await run(['scrape', '--once', 'nosuch'], env);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^jobstream: source nosuch not found\n$/);
});
