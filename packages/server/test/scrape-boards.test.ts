import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceKind } from '@jobstream/protocol';
import { fetchSource } from '../src/work/scrape/fetch-source.js';
import { SourcePolicy } from '../src/work/scrape/source-policy.js';
import { api, watcher } from './helpers/api.js';
import { feedServer } from './helpers/feed-server.js';
import { addSource, scrapeNow, startScrapingServer } from './helpers/scrape.js';

/** The feed servers are on this machine: a policy that allows it (sources are public by default). */
const policy = new SourcePolicy({ allowPrivate: ['127.0.0.1'] });

/** What each recorded board yields: [source id, company, title, location, url] of each posting. */
const expected: Record<string, { fallback: string; postings: (string | null)[][]; skills?: string[] }> = {
  ashby: {
    fallback: 'Hooli',
    postings: [
      [
        '9a3c8b52-1f0e-4c7a-9a55-3e1f2b6c7d01',
        'Hooli',
        'Senior Software Engineer, Platform',
        'New York, NY',
        'https://jobs.ashbyhq.com/hooli/9a3c8b52-1f0e-4c7a-9a55-3e1f2b6c7d01',
      ],
      [
        '4f1d2e63-8b7a-4d2c-b1e9-0c5a6f7e8d02',
        'Hooli',
        'Product Designer',
        'Remote',
        'https://jobs.ashbyhq.com/hooli/4f1d2e63-8b7a-4d2c-b1e9-0c5a6f7e8d02',
      ],
    ],
    skills: ['TypeScript', 'PostgreSQL', 'Kubernetes'],
  },
  workable: {
    fallback: 'X',
    postings: [
      [
        'A1B2C3D4E5',
        'Pied Piper',
        'Backend Engineer (Python)',
        'Palo Alto, California, United States',
        'https://apply.workable.com/j/A1B2C3D4E5',
      ],
      [
        'F6G7H8J9K0',
        'Pied Piper',
        'Customer Success Lead',
        'Remote',
        'https://apply.workable.com/j/F6G7H8J9K0',
      ],
    ],
    skills: ['Python', 'Django', 'Redis'],
  },
  smartrecruiters: {
    fallback: 'X',
    postings: [
      [
        '744000012345678',
        'Initrode',
        'DevOps Engineer - AWS',
        'Lisbon, Lisbon, Portugal',
        'https://jobs.smartrecruiters.com/Initrode/744000012345678',
      ],
      [
        '744000012345679',
        'Initrode',
        'Sales Development Representative',
        'Remote',
        'https://jobs.smartrecruiters.com/Initrode/744000012345679',
      ],
    ],
    skills: ['AWS'],
  },
  recruitee: {
    fallback: 'X',
    postings: [
      [
        '1873456',
        'Hooli Europe',
        'Frontend Developer (React)',
        'Amsterdam, Netherlands',
        'https://hooli.recruitee.com/o/frontend-developer-react',
      ],
      ['1873457', 'Hooli Europe', 'Data Analyst', 'Remote', 'https://hooli.recruitee.com/o/data-analyst'],
    ],
    skills: ['TypeScript', 'React', 'CSS'],
  },
  remoteok: {
    fallback: 'X',
    postings: [
      [
        '1129001',
        'Umbrella',
        'Senior Golang Engineer',
        'Worldwide',
        'https://remoteok.com/remote-jobs/remote-senior-golang-engineer-umbrella-1129001',
      ],
      [
        '1129002',
        'Vandelay Industries',
        'Support Engineer',
        'Remote',
        'https://remoteok.com/remote-jobs/remote-support-engineer-vandelay-1129002',
      ],
    ],
    skills: ['Go', 'Kafka', 'Kubernetes'],
  },
  weworkremotely: {
    fallback: 'X',
    postings: [
      [
        'https://weworkremotely.com/remote-jobs/soylent-corp-full-stack-developer-node-js-react',
        'Soylent Corp',
        'Full-Stack Developer (Node.js & React)',
        'Anywhere in the World',
        'https://weworkremotely.com/remote-jobs/soylent-corp-full-stack-developer-node-js-react',
      ],
      [
        'https://weworkremotely.com/remote-jobs/massive-dynamic-senior-rust-engineer',
        'Massive Dynamic',
        'Senior Rust Engineer',
        'USA Only',
        'https://weworkremotely.com/remote-jobs/massive-dynamic-senior-rust-engineer',
      ],
    ],
    skills: ['Node.js', 'React'],
  },
  hn: {
    fallback: 'X',
    postings: [
      [
        '46100101',
        'Tessier-Ashpool',
        'Staff Backend Engineer',
        'Berlin or REMOTE (EU)',
        'https://news.ycombinator.com/item?id=46100101',
      ],
      [
        '46100102',
        'Cyberdyne',
        'ML Engineer',
        'San Francisco, CA',
        'https://news.ycombinator.com/item?id=46100102',
      ],
    ],
    skills: ['Python', 'PostgreSQL', 'AWS'],
  },
};

for (const [kind, want] of Object.entries(expected)) {
  test(`${kind}: the recorded board’s postings, normalised`, async (t) => {
    const { url: base } = await feedServer(t);
    const postings = await fetchSource(
      { kind: kind as SourceKind, url: `${base}/${kind}`, company: want.fallback },
      { policy },
    );
    assert.deepEqual(
      postings.map((p) => [p.source_id, p.company, p.job_title, p.location, p.job_url]),
      want.postings,
    );
    assert.deepEqual(postings[0]?.skills_required, want.skills);
    assert.ok(
      postings.every((p) => !p.job_description.includes('<')),
      'descriptions are plain text',
    );
  });
}

test('remoteok: the notice first in the feed is not a job; hn: replies, deleted and chatty comments are not postings', async (t) => {
  const { url: base } = await feedServer(t);
  const remote = await fetchSource({ kind: 'remoteok', url: `${base}/remoteok`, company: 'X' }, { policy });
  assert.ok(remote.every((p) => !/API Terms/.test(p.job_description) && p.job_title !== ''));
  const hn = await fetchSource({ kind: 'hn', url: `${base}/hn`, company: 'X' }, { policy });
  assert.deepEqual(
    hn.map((p) => p.source_id),
    ['46100101', '46100102'],
  );
  assert.match(hn[0]?.job_description ?? '', /We run Python and PostgreSQL on AWS/);
});

test('polls are conditional: an unchanged board costs one 304, a successful scrape with no changes that misses nothing', async (t) => {
  const feeds = await feedServer(t);
  feeds.validators('/ashby', '"v1"', 'Mon, 30 Nov 2026 10:00:00 GMT');
  feeds.validators('/weworkremotely', 'W/"rss-1"', 'Mon, 30 Nov 2026 10:00:00 GMT');
  const { url, wsUrl } = await startScrapingServer(t);
  const call = api(url);
  const ashby = await addSource(call, {
    name: 'hooli',
    kind: 'ashby',
    url: `${feeds.url}/ashby`,
    company: 'Hooli',
  });
  const wwr = await addSource(call, {
    name: 'wwr',
    kind: 'weworkremotely',
    url: `${feeds.url}/weworkremotely`,
    company: 'X',
  });
  const native = await watcher(t, wsUrl, undefined, ['scrapes', 'postings']);
  const first = await scrapeNow(call, native, ashby);
  assert.deepEqual([first.jobs_found, first.new_jobs], [2, 2]);
  assert.equal(feeds.notModified('/ashby'), 0);

  // Three more polls of an unchanged board: three 304s, no posting event, and none missed
  // (two misses would deactivate them).
  const before = native.events('postings').length;
  for (let i = 0; i < 3; i++) {
    const report = await scrapeNow(call, native, ashby);
    assert.deepEqual(
      [report.jobs_found, report.new_jobs, report.updated_jobs, report.errors],
      [2, 0, 0, 0],
      'a 304: the board as it was',
    );
  }
  assert.equal(feeds.notModified('/ashby'), 3);
  assert.equal(feeds.hits('/ashby'), 4, 'one request a poll');
  assert.equal(native.events('postings').length, before);
  const source = await call<{ last_status: string }>('GET', `/api/v1/sources/${ashby}`);
  assert.equal(source.body.last_status, 'ok');
  const listed = await call<{ items: { is_active: boolean }[] }>('GET', '/api/v1/jobs?source=hooli');
  assert.deepEqual(
    listed.body.items.map((p) => p.is_active),
    [true, true],
  );

  // The board changes (a new ETag): read again, the change saved.
  feeds.set('/ashby', 200, JSON.stringify({ apiVersion: '1', jobs: [] }));
  feeds.validators('/ashby', '"v2"', 'Tue, 01 Dec 2026 10:00:00 GMT');
  const changed = await scrapeNow(call, native, ashby);
  assert.deepEqual([changed.jobs_found, changed.updated_jobs], [0, 0], 'missed once');
  const gone = await scrapeNow(call, native, ashby);
  assert.equal(feeds.notModified('/ashby'), 4, 'unchanged since v2');
  assert.equal(gone.updated_jobs, 0, 'a 304 is not a second miss');

  // RSS too, and a board that sends only Last-Modified is asked If-Modified-Since.
  await scrapeNow(call, native, wwr);
  await scrapeNow(call, native, wwr);
  assert.equal(feeds.notModified('/weworkremotely'), 1);
});
