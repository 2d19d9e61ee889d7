import type { Prng } from '../prng.js';
import { message, noMessage, type Grammar } from './messages.js';
import { json, sentenceKind, undocumented, type EndpointModel } from './model.js';
import { oddString } from './values.js';

/** spec/channels.md at `/api/v1/ws`, as the fuzz suite knows it (README: errors are system.error). */

const CHANNELS = ['jobs', 'applications', 'recommendations', 'skills', 'followups', 'interviews', 'system'];

/** The sentences a system.error starts with, and their kinds. */
const errors: readonly (readonly [string, string])[] = [
  ['Invalid JSON', 'error:json'],
  ['Invalid message: nested', 'error:deep'],
  ['A message must be a JSON object', 'error'],
  ["Missing 'action' field", 'error'],
  ['Unknown action: ', 'error'],
  ["Missing 'channel' field", 'error'],
  ["Invalid 'channel' field", 'error'],
  ['Unknown channel: ', 'error'],
  ['Too many messages', 'error:rate'],
];

// A channel name is trimmed and lowercased first: ' JOBS ' is `jobs`.
const channel = {
  name: 'channel',
  required: true,
  valid: (r: Prng) => {
    const name = r.pick(CHANNELS);
    return r.chance(0.2) ? ` ${name.toUpperCase()} ` : name;
  },
  accepts: (v: unknown) => typeof v === 'string' && CHANNELS.includes(v.trim().toLowerCase()),
  invalid: (r: Prng) => r.pick(['', 'job', 'jobs!', '__proto__', 'constructor', oddString(r)]),
};

const grammar: Grammar = {
  tagKey: 'action',
  strict: false,
  invalid: ['error'],
  invalidJson: ['error:json'],
  tooDeep: ['error:deep'],
  messages: [
    { tag: 'subscribe', answer: ['system.subscribed'], fields: [channel] },
    { tag: 'unsubscribe', answer: ['system.unsubscribed'], fields: [channel] },
    { tag: 'list_channels', answer: ['system.channels'], fields: [] },
    { tag: 'ping', answer: ['system.pong'], fields: [] },
    { tag: 'pong', answer: [], fields: [] },
    { tag: 'get_stats', answer: ['system.stats'], fields: [] },
  ],
};

export const channelsModel = (path = '/api/v1/ws'): EndpointModel => ({
  name: '/api/v1/ws',
  path,
  classify(text) {
    const m = json(text);
    if (m === undefined) return undocumented(text);
    if (typeof m.event_id === 'string') return null; // an event of a subscribed channel
    switch (m.type) {
      case 'system.connected':
      case 'system.ping':
        return null;
      case 'system.subscribed':
      case 'system.unsubscribed':
      case 'system.channels':
      case 'system.pong':
      case 'system.stats':
        return m.type;
      case 'system.error':
        return (m.data as { message?: unknown } | undefined)?.message === m.message
          ? (sentenceKind(m.message, errors) ?? undocumented(text))
          : undocumented(text);
      default:
        return undocumented(text);
    }
  },
  input: (r) =>
    r.chance(0.85) ? message(r, grammar) : noMessage(r, grammar, '{"action":"subscribe","channel":"jobs"}'),
  sentinel: { text: '{"action":"ping"}', expect: ['system.pong'], label: 'sentinel' },
  perConnection: 1000,
  flood: '{"action":"pong"}',
  rateErrors: ['error:rate'],
});
