import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, watcher } from './helpers/api.js';
import { feedServer } from './helpers/feed-server.js';
import { addSource, scrapeNow, startScrapingServer } from './helpers/scrape.js';
import { storeBackends } from './helpers/store-backends.js';
import { sleep, type Message } from './helpers/ws-client.js';

interface PostingBody {
  id: number;
  job_title: string;
  source: string;
  sources: string[];
  is_active: boolean;
}
const dataOf = (m: Message) => m.data as { posting: PostingBody; changes?: string[] };

/** The greenhouse fixture's "Senior Backend Engineer" as another board writes it. */
const sameJobElsewhere = JSON.stringify({
  jobs: [
    {
      id: 'wb-77',
      title: 'senior  backend engineer!',
      company: 'ACME',
      description: 'Go and PostgreSQL.',
      location: 'Berlin - Germany',
    },
    { id: 'wb-78', title: 'Office Manager', company: 'Acme', location: 'Berlin, Germany' },
  ],
});

for (const store of await storeBackends()) {
  test(
    `the same job on two boards is one posting listing both sources, in REST and events (${store.name})`,
    { skip: store.skip },
    async (t) => {
      const feeds = await feedServer(t);
      feeds.set('/other-board', 200, sameJobElsewhere);
      const db = await store.database(t);
      const { url, wsUrl } = await startScrapingServer(t, { DATABASE_URL: db.url });
      const call = api(url);
      const gh = await addSource(call, {
        name: 'gh',
        kind: 'greenhouse',
        url: `${feeds.url}/greenhouse`,
        company: 'Acme',
      });
      const board = await addSource(call, {
        name: 'board',
        kind: 'json',
        url: `${feeds.url}/other-board`,
        company: 'Acme',
      });
      const native = await watcher(t, wsUrl, undefined, ['scrapes', 'postings']);
      await scrapeNow(call, native, gh);
      const backend = native
        .events('postings')
        .map((m) => dataOf(m).posting)
        .find((p) => p.job_title === 'Senior Backend Engineer');
      assert.ok(backend);
      assert.deepEqual(backend.sources, ['gh']);

      const before = native.events('postings').length;
      const report = await scrapeNow(call, native, board);
      assert.deepEqual([report.jobs_found, report.new_jobs, report.updated_jobs], [2, 1, 1]);
      const events = native.events('postings').slice(before).map(dataOf);
      const merged = events.find((e) => e.posting.id === backend.id);
      assert.ok(merged, 'the duplicate is an update of the first posting');
      assert.deepEqual(merged.changes, ['sources']);
      assert.deepEqual(merged.posting.sources, ['gh', 'board']);
      assert.equal(merged.posting.job_title, 'Senior Backend Engineer', 'the first board’s content stays');
      assert.deepEqual(
        events.filter((e) => e.posting.id !== backend.id).map((e) => e.posting.job_title),
        ['Office Manager'],
        'a different title is a different job',
      );

      const all = await call<{ items: PostingBody[]; total: number }>('GET', '/api/v1/jobs?company=Acme');
      assert.equal(all.body.items.filter((p) => /backend/i.test(p.job_title)).length, 1, 'not two postings');
      const one = await call<PostingBody>('GET', `/api/v1/jobs/${backend.id}`);
      assert.deepEqual(one.body.sources, ['gh', 'board']);

      // Scraped again, both boards: still one posting, nothing changed.
      assert.equal((await scrapeNow(call, native, board)).updated_jobs, 0);
      assert.equal((await scrapeNow(call, native, gh)).updated_jobs, 0);

      // The second board drops it (twice): it leaves `sources`, and stays active, as the first still lists it.
      feeds.set('/other-board', 200, JSON.stringify({ jobs: [] }));
      await scrapeNow(call, native, board);
      const from = native.events('postings').length;
      await scrapeNow(call, native, board);
      const dropped = native
        .events('postings')
        .slice(from)
        .map(dataOf)
        .find((e) => e.posting.id === backend.id);
      assert.ok(dropped);
      assert.deepEqual(
        [dropped.changes, dropped.posting.sources, dropped.posting.is_active],
        [['sources'], ['gh'], true],
      );

      // Back on the second board: listed again. Then gone from the first: it stays, on the second board.
      feeds.set('/other-board', 200, sameJobElsewhere);
      await scrapeNow(call, native, board);
      feeds.set('/greenhouse', 200, JSON.stringify({ jobs: [] }));
      await scrapeNow(call, native, gh);
      await scrapeNow(call, native, gh);
      const onSecond = await call<PostingBody>('GET', `/api/v1/jobs/${backend.id}`);
      assert.deepEqual([onSecond.body.sources, onSecond.body.is_active], [['board'], true]);
      // And gone from both: inactive.
      feeds.set('/other-board', 200, JSON.stringify({ jobs: [] }));
      await scrapeNow(call, native, board);
      await scrapeNow(call, native, board);
      const off = await call<PostingBody>('GET', `/api/v1/jobs/${backend.id}`);
      assert.equal(off.body.is_active, false);
    },
  );
}

for (const store of await storeBackends()) {
  test(
    `two boards with the same jobs scraped at once still make one posting each (${store.name})`,
    { skip: store.skip },
    async (t) => {
      const feeds = await feedServer(t);
      const board = JSON.parse(sameJobElsewhere) as { jobs: Record<string, unknown>[] };
      feeds.set('/a', 200, JSON.stringify(board));
      feeds.set(
        '/b',
        200,
        JSON.stringify({ jobs: board.jobs.map((j) => ({ ...j, id: `b-${String(j.id)}` })) }),
      );
      const db = await store.database(t);
      const { url, wsUrl } = await startScrapingServer(t, { DATABASE_URL: db.url });
      const call = api(url);
      await addSource(call, { name: 'a', kind: 'json', url: `${feeds.url}/a`, company: 'Acme' });
      await addSource(call, { name: 'b', kind: 'json', url: `${feeds.url}/b`, company: 'Acme' });
      const native = await watcher(t, wsUrl, undefined, ['scrapes']);
      assert.equal((await call('POST', '/api/v1/scrapes', {})).status, 202);
      const done = () => native.events('scrapes').filter((m) => m.event === 'scrape.completed').length;
      for (let waited = 0; done() < 2 && waited < 15_000; waited += 50) await sleep(50);
      assert.equal(done(), 2);
      const all = await call<{ items: PostingBody[] }>('GET', '/api/v1/jobs');
      assert.deepEqual(
        all.body.items.map((p) => p.sources.sort().join('+')),
        ['a+b', 'a+b'],
      );
    },
  );
}
