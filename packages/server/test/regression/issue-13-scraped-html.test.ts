import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetchSource } from '../../src/work/scrape/fetch-source.js';
import { SourcePolicy } from '../../src/work/scrape/source-policy.js';
import { feedServer } from '../helpers/feed-server.js';

const local = new SourcePolicy({ allowPrivate: ['127.0.0.1'] });

/** A board's HTML as feeds write it: named entities, comments, attributes holding '>'. */
const html =
  '<p>We&rsquo;re hiring &mdash; join our caf&eacute; team.</p>' +
  '<!-- internal: salary band > 90k, do not publish -->' +
  '<p><a href="https://example.test/apply" title="Apply > now">Apply</a> ' +
  '<img src="x.png" alt="company logo"> today.</p>' +
  '<ul><li>TypeScript</li><li>Redis &amp; PostgreSQL</li></ul>' +
  '<script>track("a > b")</script><style>p > a { color: red }</style>';

test('scraped descriptions: entities decoded; comments, attributes and scripts never leak', async (t) => {
  const feeds = await feedServer(t);
  const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const board = (content: string) =>
    JSON.stringify({
      jobs: [
        {
          id: 1,
          title: 'Engineer',
          absolute_url: 'https://example.test/1',
          location: { name: 'Remote' },
          content,
        },
      ],
    });
  // Greenhouse escapes its HTML once more; JSON feeds send it as it is.
  feeds.set('/greenhouse-escaped', 200, board(escape(html)));
  feeds.set('/greenhouse-plain', 200, board(html));
  feeds.set('/json-feed', 200, JSON.stringify([{ id: 'a', title: 'Engineer', description: html }]));
  const sources = [
    { kind: 'greenhouse' as const, url: `${feeds.url}/greenhouse-escaped`, company: 'Acme' },
    { kind: 'greenhouse' as const, url: `${feeds.url}/greenhouse-plain`, company: 'Acme' },
    { kind: 'json' as const, url: `${feeds.url}/json-feed`, company: 'Acme' },
  ];
  for (const source of sources) {
    const [posting] = await fetchSource(source, { policy: local });
    assert.equal(
      posting?.job_description,
      'We’re hiring — join our café team.\nApply today.\nTypeScript\nRedis & PostgreSQL',
      source.url,
    );
    assert.deepEqual(posting?.skills_required, ['TypeScript', 'PostgreSQL', 'Redis']);
  }
});
