import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosine, EMBEDDING_DIMENSIONS, fnv1a, HashedTfIdf } from '../src/work/matching/embedding.js';
import { MAX_SNIPPET_LENGTH, splitSnippets } from '../src/work/matching/snippets.js';
import { stem, tokenize } from '../src/work/matching/tokens.js';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

test('tokenize: lower case, stop words dropped, tech names whole, light stemming', () => {
  assert.deepEqual(tokenize('The Designs of C++ and Node.js services, with C#!'), [
    'design',
    'c++',
    'node.js',
    'servic',
    'c#',
  ]);
  for (const [a, b] of [
    ['designed', 'designing'],
    ['manage', 'managing'],
    ['companies', 'company'],
  ] as const) {
    assert.equal(stem(a), stem(b), `${a} / ${b}`);
  }
  assert.equal(stem('analysis'), 'analysis');
  assert.equal(stem('status'), 'status');
});

test('fnv1a is the standard 32-bit FNV-1a (stable across processes)', () => {
  assert.equal(fnv1a(''), 0x811c9dc5);
  assert.equal(fnv1a('a'), 0xe40c292c);
  assert.equal(fnv1a('foobar'), 0xbf9cf968);
});

test('hashed TF-IDF: unit length, identical texts → 1, disjoint → 0, deterministic', () => {
  const corpus = ['Built TypeScript services', 'Baked bread and croissants', 'Led a team of engineers'];
  const model = new HashedTfIdf(corpus);
  const a = model.embed('Built TypeScript services on Node.js');
  assert.equal(a.length, EMBEDDING_DIMENSIONS);
  close(Math.hypot(...a), 1);
  close(cosine(a, model.embed('Built TypeScript services on Node.js')), 1);
  // The same words in the same proportions, in another order and case: still 1.
  close(cosine(a, model.embed('node.js SERVICES typescript built')), 1);
  close(cosine(a, model.embed('Baked bread and croissants')), 0);
  // Stop words alone carry nothing: the zero vector, similar to nothing.
  assert.equal(cosine(model.embed('the and of with'), a), 0);
  // Deterministic: a second model over the same corpus gives the very same vector.
  assert.deepEqual(new HashedTfIdf(corpus).embed('Built TypeScript services on Node.js'), a);
  const partial = cosine(a, model.embed('TypeScript services for a bakery'));
  assert.ok(partial > 0 && partial < 1, `${partial}`);
});

test('idf: a word in every snippet weighs less than a rare one', () => {
  const model = new HashedTfIdf(['team rust', 'team go', 'team java']);
  assert.ok(model.idf('team') < model.idf('rust'));
  assert.ok(model.idf('rust') < model.idf('unseen'));
  // So a query matching on the rare word is closer than one matching on the common word.
  const q = model.embed('team rust');
  assert.ok(cosine(q, model.embed('rust')) > cosine(q, model.embed('team')));
});

test('cosine: symmetric, in [0, 1] for embeddings, rejects vectors of different lengths', () => {
  const model = new HashedTfIdf(['alpha beta', 'beta gamma']);
  const [x, y] = [model.embed('alpha beta'), model.embed('beta gamma')];
  close(cosine(x, y), cosine(y, x));
  assert.ok(cosine(x, y) > 0 && cosine(x, y) < 1);
  assert.throws(() => cosine(x, new Float64Array(3)), RangeError);
});

test('splitSnippets: lines, bullets and sentences, trimmed, deduplicated, bounded', () => {
  const text = [
    'Jane Doe — Senior engineer',
    '',
    '  - Built Node.js services. Cut latency by 3.5x!  ',
    '* Designed   schemas',
    '• Designed schemas',
    '2) Led a team of four?  Yes.',
    '---',
  ].join('\n');
  assert.deepEqual(splitSnippets(text), [
    'Jane Doe — Senior engineer',
    'Built Node.js services.',
    'Cut latency by 3.5x!',
    'Designed schemas',
    'Led a team of four?',
    'Yes.',
  ]);
  const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
  const pieces = splitSnippets(long);
  assert.ok(pieces.length > 1);
  assert.ok(pieces.every((p) => p.length <= MAX_SNIPPET_LENGTH));
  assert.equal(pieces.join(' '), long, 'cut at spaces, nothing lost');
  assert.deepEqual(splitSnippets(text), splitSnippets(text));
  assert.deepEqual(splitSnippets(''), []);
});
