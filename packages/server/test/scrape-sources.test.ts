import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetchSource as fetchWith, type FetchSourceOptions } from '../src/work/scrape/fetch-source.js';
import { SourceError } from '../src/work/scrape/normalized.js';
import { SourcePolicy } from '../src/work/scrape/source-policy.js';
import { feedServer } from './helpers/feed-server.js';

/** The feed servers are on this machine: a policy that allows it (sources are public by default). */
const local = new SourcePolicy({ allowPrivate: ['127.0.0.1'] });
const fetchSource = (source: Parameters<typeof fetchWith>[0], options: FetchSourceOptions = {}) =>
  fetchWith(source, { policy: local, ...options });

test('Greenhouse: postings normalised from the board format, HTML unescaped, skills found', async (t) => {
  const { url: base } = await feedServer(t);
  const postings = await fetchSource({ kind: 'greenhouse', url: `${base}/greenhouse`, company: 'Fallback' });
  assert.equal(postings.length, 2);
  const [first] = postings;
  assert.equal(first?.source_id, '4012345');
  assert.equal(first?.company, 'Acme');
  assert.equal(first?.job_title, 'Senior Backend Engineer');
  assert.equal(first?.location, 'Berlin, Germany');
  assert.equal(first?.job_url, 'https://boards.greenhouse.io/acme/jobs/4012345');
  assert.match(
    first?.job_description ?? '',
    /We build APIs in TypeScript on Node\.js\.\nPostgreSQL and Redis\nKubernetes & AWS/,
  );
  assert.deepEqual(first?.skills_required, [
    'TypeScript',
    'Node.js',
    'PostgreSQL',
    'Redis',
    'Kubernetes',
    'AWS',
  ]);
});

test('Lever: the description joins the plain text, the lists and the extras', async (t) => {
  const { url: base } = await feedServer(t);
  const [posting] = await fetchSource({ kind: 'lever', url: `${base}/lever`, company: 'Globex' });
  assert.equal(posting?.source_id, '5f1e2d3c-0000-4000-8000-000000000001');
  assert.equal(posting?.company, 'Globex');
  assert.equal(posting?.location, 'London');
  assert.match(posting?.job_description ?? '', /What you bring\nTerraform\nGCP or AWS/);
  assert.deepEqual(posting?.skills_required, ['Go', 'Kubernetes', 'Terraform', 'AWS', 'GCP']);
});

test('generic JSON and RSS feeds', async (t) => {
  const { url: base } = await feedServer(t);
  const json = await fetchSource({ kind: 'json', url: `${base}/json`, company: 'X' });
  assert.deepEqual(
    json.map((p) => [p.source_id, p.company, p.location]),
    [
      ['j-1', 'Initech', 'Austin, TX'],
      ['j-2', 'Initech', 'Remote'],
    ],
  );
  assert.deepEqual(json[0]?.skills_required, ['Python', 'Airflow', 'dbt', 'Snowflake']);
  assert.deepEqual(json[1]?.skills_required, ['PyTorch', 'Python'], 'skills given by the feed win');
  const rss = await fetchSource({ kind: 'rss', url: `${base}/rss`, company: 'Umbrella' });
  assert.deepEqual(
    rss.map((p) => p.source_id),
    ['umbrella-sre-7', 'https://umbrella.example/careers/security'],
  );
  assert.equal(rss[0]?.job_description, 'Linux, Docker and Kubernetes on call.');
  assert.deepEqual(rss[1]?.skills_required, ['Go', 'Rust']);
});

test('a malformed or unreachable source is a SourceError with a plain message, never a crash', async (t) => {
  const { url: base } = await feedServer(t);
  const cases: [Parameters<typeof fetchSource>[0], RegExp][] = [
    [{ kind: 'json', url: `${base}/broken-json`, company: 'X' }, /did not answer JSON/],
    [{ kind: 'greenhouse', url: `${base}/wrong-shape`, company: 'X' }, /not a Greenhouse job board/],
    [{ kind: 'lever', url: `${base}/json`, company: 'X' }, /not a Lever postings list/],
    [{ kind: 'rss', url: `${base}/json`, company: 'X' }, /not valid XML/],
    [{ kind: 'rss', url: `${base}/wrong-xml`, company: 'X' }, /not an RSS 2\.0 feed/],
    [{ kind: 'json', url: `${base}/error`, company: 'X' }, /answered HTTP 503/],
    [{ kind: 'json', url: 'http://127.0.0.1:1/nothing', company: 'X' }, /is unreachable/],
  ];
  for (const [source, message] of cases) {
    await assert.rejects(
      fetchSource(source),
      (error: unknown) => error instanceof SourceError && message.test(error.message),
    );
  }
  await assert.rejects(
    fetchSource({ kind: 'json', url: `${base}/hang`, company: 'X' }, { timeoutMs: 200 }),
    /timed out after 200 ms/,
  );
});
