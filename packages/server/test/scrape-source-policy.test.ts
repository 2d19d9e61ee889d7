import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../src/config.js';
import { fetchSource } from '../src/work/scrape/fetch-source.js';
import { SourceError } from '../src/work/scrape/normalized.js';
import { SourcePolicy, type Resolver } from '../src/work/scrape/source-policy.js';
import { api, watcher } from './helpers/api.js';
import { feedServer, fixture } from './helpers/feed-server.js';
import { startServer, testDatabaseUrl } from './helpers/server.js';

// Scrape sources are fetched by the server: by default they may reach only public addresses, checked
// when a source is saved and again when it is fetched (where the addresses a name resolves to count).

const source = (url: string) => ({ name: 'probe', kind: 'json', url, company: 'X' });

/** URLs that reach this machine, its networks or no one, in the forms a URL can spell them. */
const BLOCKED = [
  'ftp://127.0.0.1/feed.json',
  'file:///etc/passwd',
  'http://127.0.0.1:8000/api/v1/info',
  'http://127.9.9.9/',
  'http://2130706433/', // 127.0.0.1 as a decimal
  'http://0x7f.0.0.1/', // hexadecimal
  'http://0177.0.0.1/', // octal
  'http://127.1/', // shorthand
  'http://0/',
  'http://0.0.0.0/',
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.1.1/',
  'http://169.254.169.254/latest/meta-data/', // cloud metadata (link-local)
  'http://100.64.0.1/', // CGNAT
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://240.0.0.1/',
  'http://[::1]/',
  'http://[::]/',
  'http://[::ffff:127.0.0.1]/', // IPv4-mapped
  'http://[::ffff:a00:1]/', // 10.0.0.1, mapped
  'http://[::127.0.0.1]/', // IPv4-compatible (deprecated)
  'http://[64:ff9b::7f00:1]/', // NAT64 of 127.0.0.1
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://[ff02::1]/',
  'http://localhost/',
  'http://LOCALHOST./',
  'http://feeds.localhost/',
];

test(`each of ${BLOCKED.length} private, local or non-http URLs is refused when a source is saved`, async (t) => {
  const { url } = await startServer(t);
  const call = api(url);
  for (const target of BLOCKED) {
    const answer = await call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/v1/sources',
      source(target),
    );
    assert.equal(answer.status, 400, target);
    assert.equal(answer.body.error.code, 'invalid_message', target);
    assert.match(answer.body.error.message, /url/, target);
  }
  assert.deepEqual((await call('GET', '/api/v1/sources')).body, { items: [] }, 'none was saved');

  // A public address is fine (nothing is fetched: the source has no interval), and cannot be moved to a
  // private one later.
  const made = await call<{ id: number }>('POST', '/api/v1/sources', source('https://boards.example.com/x'));
  assert.equal(made.status, 201);
  const moved = await call<{ error: { message: string } }>('PATCH', `/api/v1/sources/${made.body.id}`, {
    url: 'http://[::ffff:169.254.169.254]/',
  });
  assert.equal(moved.status, 400);
  assert.match(moved.body.error.message, /169\.254\.169\.254|a9fe:a9fe/);
  assert.match(moved.body.error.message, /SOURCE_ALLOW_PRIVATE/);
});

test('SOURCE_ALLOW_PRIVATE lets listed hosts and ranges through, and nothing else', async (t) => {
  const feeds = await feedServer(t);
  const port = new URL(feeds.url).port;
  const { url, wsUrl } = await startServer(t, { SOURCE_ALLOW_PRIVATE: '127.0.0.1, 10.0.0.0/8, localhost' });
  const call = api(url);
  const allowed = [`${feeds.url}/json`, 'http://10.1.2.3/', `http://localhost:${port}/rss`];
  for (const [i, target] of allowed.entries()) {
    const made = await call('POST', '/api/v1/sources', {
      ...source(target),
      name: `s${i}`,
      kind: i === 2 ? 'rss' : 'json',
    });
    assert.equal(made.status, 201, target);
  }
  for (const target of ['http://127.0.0.2/', 'http://192.168.0.1/', 'http://[::1]/', 'http://a.localhost/']) {
    assert.equal((await call('POST', '/api/v1/sources', source(target))).status, 400, target);
  }
  // An allowed name is fetched although it resolves to loopback.
  const native = await watcher(t, wsUrl, undefined, ['scrapes']);
  await call('POST', '/api/v1/scrapes', { source: 's2' });
  const done = await native.next('event', (m) => m.event === 'scrape.completed', 10_000);
  assert.equal((done.data as { errors: number }).errors, 0);
  assert.equal(feeds.hits('/rss'), 1);
});

test('a source saved under an allow-list is refused at fetch once the allow-list is gone', async (t) => {
  const feeds = await feedServer(t);
  const databaseUrl = testDatabaseUrl(t);
  const before = await startServer(t, { DATABASE_URL: databaseUrl, SOURCE_ALLOW_PRIVATE: 'true' });
  const created = await api(before.url)<{ id: number }>('POST', '/api/v1/sources', {
    name: 'inside',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  assert.equal(created.status, 201);
  await before.server.close();

  const after = await startServer(t, { DATABASE_URL: databaseUrl });
  const native = await watcher(t, after.wsUrl, undefined, ['scrapes']);
  assert.equal((await api(after.url)('POST', '/api/v1/scrapes', { source: 'inside' })).status, 202);
  const done = await native.next('event', (m) => m.event === 'scrape.completed', 10_000);
  const report = done.data as { errors: number; new_jobs: number; error_messages: string[] };
  assert.equal(report.errors, 1);
  assert.equal(report.new_jobs, 0);
  assert.match(report.error_messages[0] ?? '', /127\.0\.0\.1 is not a public address \(loopback\)/);
  assert.equal(feeds.hits('/greenhouse'), 0, 'never asked');
  const saved = await api(after.url)<{ last_status: string; last_error: string }>(
    'GET',
    `/api/v1/sources/${created.body.id}`,
  );
  assert.equal(saved.body.last_status, 'error');
  assert.match(saved.body.last_error, /SOURCE_ALLOW_PRIVATE/);
});

/** A resolver that answers every name with these addresses (no DNS traffic). */
const resolvingTo =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

test('a host name is judged by the addresses it resolves to, as the connection is made', async (t) => {
  const feeds = await feedServer(t);
  const port = new URL(feeds.url).port;
  const feed = { kind: 'json' as const, url: `http://feeds.example.test:${port}/json`, company: 'X' };
  const cases: [Resolver, RegExp][] = [
    [resolvingTo('127.0.0.1'), /feeds\.example\.test \(127\.0\.0\.1\) is not a public address \(loopback\)/],
    [resolvingTo('::ffff:10.0.0.1'), /\(private\)/],
    [resolvingTo('::1'), /\(loopback\)/],
    // One private address among public ones is enough to refuse (the connection could pick it).
    [resolvingTo('93.184.216.34', '169.254.169.254'), /169\.254\.169\.254.*\(link-local\)/],
  ];
  for (const [resolve, message] of cases) {
    await assert.rejects(
      fetchSource(feed, { policy: new SourcePolicy({ resolve }) }),
      (error: unknown) => error instanceof SourceError && message.test(error.message),
    );
  }
  assert.equal(feeds.hits('/json'), 0, 'refused before connecting');
  // With the range allowed, the same resolver's address is where the fetch goes.
  const allowed = new SourcePolicy({ allowPrivate: ['127.0.0.0/8'], resolve: resolvingTo('127.0.0.1') });
  const postings = await fetchSource(feed, { policy: allowed });
  assert.equal(postings.length, 2);
  assert.equal(feeds.hits('/json'), 1);
});

/** A feed server that misbehaves: redirects, endless bodies, bodies that lie about their length. */
async function hostileServer(t: TestContext, handle: http.RequestListener): Promise<string> {
  const server = http.createServer(handle);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('redirects are followed only to addresses the policy allows', async (t) => {
  const feeds = await feedServer(t);
  const base = await hostileServer(t, (req, res) => {
    const to = req.url === '/to-metadata' ? 'http://169.254.169.254/latest/' : `${feeds.url}/json`;
    res.writeHead(302, { location: to }).end();
  });
  const host = new URL(base).host.replace('127.0.0.1', 'redirector.test');
  // Only the redirector's name is allowed; the loopback feed server it points to is not.
  const policy = new SourcePolicy({ allowPrivate: ['redirector.test'], resolve: resolvingTo('127.0.0.1') });
  for (const path of ['/to-loopback', '/to-metadata']) {
    await assert.rejects(
      fetchSource({ kind: 'json', url: `http://${host}${path}`, company: 'X' }, { policy }),
      (error: unknown) => error instanceof SourceError && /is not a public address/.test(error.message),
    );
  }
  assert.equal(feeds.hits('/json'), 0);
  // Allowed all the way, the redirect is followed.
  const open = new SourcePolicy({ allowPrivate: true });
  const postings = await fetchSource(
    { kind: 'json', url: `${base}/to-loopback`, company: 'X' },
    { policy: open },
  );
  assert.equal(postings.length, 2);
});

test('a feed larger than the cap is cut off, however it is sent', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let unfinished = 0;
  const base = await hostileServer(t, (req, res) => {
    if (req.url === '/declared') return res.writeHead(200, { 'content-length': 10_000_000 }).end('[]');
    if (req.url === '/bomb') {
      // 8 MiB of spaces in ~8 KiB of gzip.
      return res
        .writeHead(200, { 'content-encoding': 'gzip' })
        .end(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)));
    }
    // Endless: 64 KiB at a time until the reader hangs up.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.on('close', () => unfinished++);
    const pump = () => {
      for (let i = 0; i < 1000 && !res.destroyed; i++)
        if (!res.write(chunk)) return void res.once('drain', pump);
    };
    pump();
  });
  const policy = new SourcePolicy({ allowPrivate: true });
  for (const path of ['/endless', '/declared', '/bomb']) {
    await assert.rejects(
      fetchSource({ kind: 'json', url: `${base}${path}`, company: 'X' }, { policy, maxBytes: 1024 * 1024 }),
      (error: unknown) =>
        error instanceof SourceError && /answered more than 1048576 bytes/.test(error.message),
      path,
    );
  }
  assert.equal(unfinished, 1, 'the endless body was hung up on');
  // Within the cap, a gzip feed is read as before.
  const small = await hostileServer(t, (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(fixture('feed.json')));
  });
  assert.equal((await fetchSource({ kind: 'json', url: small, company: 'X' }, { policy })).length, 2);
});

test('an oversized feed is a scrape error with a message; the server goes on', async (t) => {
  const base = await hostileServer(t, (_req, res) => {
    res.writeHead(200).end(Buffer.alloc(300_000, 0x20));
  });
  const { url, wsUrl } = await startServer(t, {
    SOURCE_ALLOW_PRIVATE: '127.0.0.1',
    SCRAPE_MAX_BYTES: '100000',
  });
  const call = api(url);
  await call('POST', '/api/v1/sources', { ...source(`${base}/big`), name: 'big' });
  const native = await watcher(t, wsUrl, undefined, ['scrapes']);
  await call('POST', '/api/v1/scrapes', { source: 'big' });
  const done = await native.next('event', (m) => m.event === 'scrape.completed', 10_000);
  const report = done.data as { errors: number; error_messages: string[] };
  assert.equal(report.errors, 1);
  assert.match(report.error_messages[0] ?? '', /answered more than 100000 bytes \(SCRAPE_MAX_BYTES\)/);
  assert.equal((await call('GET', '/health')).status, 200);
});

test('SOURCE_ALLOW_PRIVATE and SCRAPE_MAX_BYTES: defaults, forms, refusals', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.sourceAllowPrivate, false);
  assert.equal(defaults.scrapeMaxBytes, 5 * 1024 * 1024);
  assert.equal(loadConfig({ SOURCE_ALLOW_PRIVATE: 'true' }).sourceAllowPrivate, true);
  assert.deepEqual(
    loadConfig({ SOURCE_ALLOW_PRIVATE: 'Feeds.Internal, 10.0.0.0/8,fd00::1' }).sourceAllowPrivate,
    ['feeds.internal', '10.0.0.0/8', 'fd00::1'],
  );
  for (const bad of ['10.0.0.0/40', '127.1', 'http://feeds.internal', 'feeds internal']) {
    assert.throws(() => loadConfig({ SOURCE_ALLOW_PRIVATE: bad }), ConfigError, bad);
  }
  assert.throws(() => loadConfig({ SCRAPE_MAX_BYTES: '10' }), ConfigError);
});
