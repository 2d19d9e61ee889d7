import { randomUUID } from 'node:crypto';
import type { Prng } from '../prng.js';
import { is, message, noMessage, type Grammar } from './messages.js';
import { json, undocumented, type EndpointModel } from './model.js';
import { oddString } from './values.js';

/** docs/PROTOCOL.md, the native protocol at `/ws`, as the fuzz suite knows it. */

const topicPattern = /^[a-z][a-z0-9_-]{0,63}(?::[A-Za-z0-9][A-Za-z0-9_.:-]{0,127})?$/;
const filterPattern = /^[a-z][a-z0-9_.]*$/;
const isFilter = (v: unknown) => is.pattern(filterPattern)(v) && (v as string).length <= 100;

const validTopic = (r: Prng): string =>
  r.pick([
    'postings',
    'queue',
    'scrapes',
    'system',
    'constructor',
    'x:constructor',
    `fuzz-${r.int(30)}`,
    `user:${r.string(8)}`,
    `role:${r.pick(['admin', 'recruiter'])}`,
    `work:${randomUUID()}`,
    'a'.repeat(64),
    `t:${'b'.repeat(128)}`,
  ]);
const invalidTopic = (r: Prng): string =>
  r.pick([
    '',
    'Postings',
    '1abc',
    'a b',
    'a'.repeat(65),
    `t:${'b'.repeat(129)}`,
    'x:',
    ':x',
    'x:__proto__',
    '__proto__',
    `a\u0000`,
    'ünï',
    oddString(r),
  ]);

const topic = {
  name: 'topic',
  required: true,
  valid: validTopic,
  accepts: is.pattern(topicPattern),
  invalid: invalidTopic,
};
const errorKinds = [
  'invalid_json',
  'invalid_message',
  'forbidden',
  'rate_limited',
  'too_many_subscriptions',
  'unauthorized',
  'token_expired',
];

const grammar: Grammar = {
  tagKey: 'type',
  strict: true,
  invalid: ['error:invalid_message'],
  invalidJson: ['error:invalid_json'],
  tooDeep: ['error:invalid_message'],
  messages: [
    {
      tag: 'subscribe',
      answer: ['subscribed', 'error:forbidden', 'error:too_many_subscriptions'],
      fields: [
        topic,
        {
          name: 'since',
          valid: (r) => r.pick([0, r.int(1000), Number.MAX_SAFE_INTEGER]),
          accepts: is.int(0, Number.MAX_SAFE_INTEGER),
          invalid: (r) => r.pick([-1, 1.5, 2 ** 53 + 2, '1', null]),
        },
        {
          name: 'epoch',
          valid: (r) => oddString(r).slice(0, 100),
          accepts: is.string(0, 100),
          invalid: (r) => 'e'.repeat(r.range(101, 300)),
        },
        {
          name: 'types',
          valid: (r) =>
            Array.from({ length: r.range(1, 50) }, () =>
              r.pick(['work.', 'posting.created', 'a', 'constructor', 'x'.repeat(100)]),
            ),
          accepts: is.arrayOf(1, 50, isFilter),
          invalid: (r) =>
            r.pick<unknown>([[], Array<string>(51).fill('a'), ['Work.'], ['x'.repeat(101)], ['-x'], [null]]),
        },
      ],
    },
    { tag: 'unsubscribe', answer: ['unsubscribed'], fields: [topic] },
    { tag: 'ping', answer: ['pong'], fields: [] },
    { tag: 'pong', answer: [], fields: [] },
    {
      tag: 'refresh',
      answer: ['error:unauthorized', 'error:forbidden', 'error:token_expired'],
      fields: [
        {
          name: 'token',
          required: true,
          valid: (r) => r.string(r.range(1, 300), 'abc.-_XYZ019'),
          accepts: is.string(1, 8192),
          invalid: () => 't'.repeat(8193),
        },
      ],
    },
  ],
};

export const nativeModel = (path = '/ws'): EndpointModel => ({
  name: path,
  path,
  classify(text) {
    const m = json(text);
    if (m === undefined) return undocumented(text);
    switch (m.type) {
      case 'welcome':
      case 'event':
      case 'ping':
        return null;
      case 'pong':
      case 'subscribed':
      case 'unsubscribed':
      case 'refreshed':
        return m.type;
      case 'error':
        return typeof m.code === 'string' && errorKinds.includes(m.code) && typeof m.message === 'string'
          ? `error:${m.code}`
          : undocumented(text);
      default:
        return undocumented(text);
    }
  },
  input: (r) =>
    r.chance(0.85) ? message(r, grammar) : noMessage(r, grammar, '{"type":"subscribe","topic":"postings"}'),
  sentinel: { text: '{"type":"ping"}', expect: ['pong'], label: 'sentinel' },
  perConnection: 1000,
  flood: '{"type":"pong"}',
  rateErrors: ['error:rate_limited'],
});
