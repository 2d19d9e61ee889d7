import type { Prng } from '../prng.js';
import { is, message, noMessage, type Grammar } from './messages.js';
import { json, sentenceKind, undocumented, type EndpointModel } from './model.js';
import { oddString, PROTO_KEYS } from './values.js';

/** spec/notifications.md at `/ws/notifications/`, as the fuzz suite knows it. */

const errors: readonly (readonly [string, string])[] = [
  ['Invalid JSON format', 'error:json'],
  ['Invalid message format: nested', 'error:deep'],
  ['Invalid message format', 'error'],
  ['Unknown message type', 'error'],
  ['Missing required field', 'error'],
  ['Invalid field', 'error'],
  ['Too many notification types', 'error'],
  ['Rate limit exceeded', 'error:rate'],
];

const typeName = (r: Prng): string =>
  r.pick([
    'job_posted',
    'notification',
    'success',
    r.pick(PROTO_KEYS),
    `t_${r.int(400)}`,
    oddString(r) || 'x',
    'n'.repeat(100),
  ]);
const isName = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 100;
const types = {
  name: 'notification_types',
  required: true,
  valid: (r: Prng) => Array.from({ length: r.int(8) }, () => typeName(r)),
  accepts: is.arrayOf(0, 100, isName),
  invalid: (r: Prng) => r.pick([Array(101).fill('a'), [''], ['n'.repeat(101)], [1], 'job_posted', null]),
};

const grammar: Grammar = {
  tagKey: 'type',
  strict: false,
  invalid: ['error'],
  invalidJson: ['error:json'],
  tooDeep: ['error:deep'],
  // The original defaulted a missing (or null) type to ping.
  missingTag: ['pong'],
  nullTag: ['pong'],
  messages: [
    {
      tag: 'ping',
      answer: ['pong'],
      fields: [{ name: 'timestamp', valid: (r) => r.pick([oddString(r), 1, null]), accepts: is.anything }],
    },
    // A connection names at most 100 types: past that a subscribe is an error.
    { tag: 'subscribe', answer: ['subscription_confirmed', 'error'], fields: [types] },
    { tag: 'unsubscribe', answer: ['unsubscription_confirmed', 'error'], fields: [types] },
  ],
};

export const notificationsModel = (token: string): EndpointModel => ({
  name: '/ws/notifications/',
  path: `/ws/notifications/?token=${token}`,
  classify(text) {
    const m = json(text);
    if (m === undefined) return undocumented(text);
    switch (m.type) {
      case 'connection_established':
      case 'notification':
      case 'job_posted':
      case 'application_received':
      case 'application_status_changed':
      case 'match_score_calculated':
        return null;
      case 'pong':
      case 'subscription_confirmed':
      case 'unsubscription_confirmed':
        return m.type;
      case 'error':
        return typeof m.timestamp === 'string'
          ? (sentenceKind(m.message, errors) ?? undocumented(text))
          : undocumented(text);
      default:
        return undocumented(text);
    }
  },
  input: (r) =>
    r.chance(0.85)
      ? message(r, grammar)
      : noMessage(r, grammar, '{"type":"subscribe","notification_types":["job_posted"]}'),
  sentinel: { text: '{"type":"ping","timestamp":"sentinel"}', expect: ['pong'], label: 'sentinel' },
  perConnection: 1000,
  flood: '{"type":"ping"}',
  rateErrors: ['error:rate'],
});
