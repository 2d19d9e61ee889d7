import type { Prng } from '../prng.js';
import { is, message, noMessage, notUtf8, type Expect, type Grammar, type Input } from './messages.js';
import { json, undocumented, type EndpointModel } from './model.js';
import {
  hostile,
  hostileObject,
  invalidJson,
  nestedText,
  objectOf,
  oddString,
  PROTO_KEYS,
} from './values.js';

/** spec/job-feed.md, spec/job-queue.md and spec/matching-job-stream.md, as the fuzz suite knows them. */

const feedGrammar: Grammar = {
  tagKey: 'type',
  strict: false,
  invalid: ['error:invalid_message'],
  invalidJson: ['error:invalid_json'],
  tooDeep: ['error:invalid_message'],
  messages: [
    {
      tag: 'ping',
      answer: ['pong'],
      fields: [{ name: 'timestamp', valid: (r) => oddString(r), accepts: is.anything }],
    },
    { tag: 'pong', answer: [], fields: [] },
    {
      tag: 'subscribe',
      answer: ['subscribed'],
      fields: [
        {
          name: 'events',
          valid: (r: Prng) =>
            r.chance(0.2)
              ? null
              : Array.from({ length: r.int(6) }, () =>
                  r.pick([
                    'new_job',
                    'job_updated',
                    'scrape_started',
                    'scrape_completed',
                    'all',
                    'x',
                    r.pick(PROTO_KEYS),
                  ]),
                ),
          accepts: (v: unknown) => v === null || is.arrayOf(0, 32, is.string(1, 64))(v),
          invalid: (r: Prng) => r.pick([Array(33).fill('new_job'), [''], ['e'.repeat(65)], [1], 'new_job']),
        },
      ],
    },
  ],
};
const feedErrors = ['invalid_json', 'invalid_message', 'rate_limited'];

/** job-feed.md at `/api/v1/ws/jobs`: envelopes `{type, timestamp, data}`. */
export const jobFeedModel = (): EndpointModel => ({
  name: '/api/v1/ws/jobs',
  path: '/api/v1/ws/jobs',
  classify(text) {
    const m = json(text);
    if (m === undefined || typeof m.timestamp !== 'string') return undocumented(text);
    const data = m.data as Record<string, unknown> | undefined;
    switch (m.type) {
      case 'connected':
      case 'heartbeat':
      case 'new_job':
      case 'job_updated':
      case 'scrape_started':
      case 'scrape_completed':
        return null;
      case 'pong':
      case 'subscribed':
        return m.type;
      case 'error':
        return typeof data?.code === 'string' &&
          feedErrors.includes(data.code) &&
          typeof data.message === 'string'
          ? `error:${data.code}`
          : undocumented(text);
      default:
        return undocumented(text);
    }
  },
  input: (r) =>
    r.chance(0.85)
      ? message(r, feedGrammar)
      : noMessage(r, feedGrammar, '{"type":"subscribe","events":["new_job"]}'),
  sentinel: { text: '{"type":"ping"}', expect: ['pong'], label: 'sentinel' },
  // The document's 100 messages a minute, the sentinel among them.
  perConnection: 99,
  flood: '{"type":"pong"}',
  rateErrors: ['error:rate_limited'],
});

/**
 * job-queue.md at `/api/ws/jobs`: the text `ping` is answered `pong`, a JSON object whose type is
 * "ping" a JSON pong; everything else is ignored.
 */
function queueInput(r: Prng): Input {
  const pings = ['ping', ' ping', 'ping\n', '\tping '];
  const ignored = (text: string, label: string): Input => ({ text, expect: [], label });
  return r.weighted<() => Input>([
    [2, () => ({ text: r.pick(pings), expect: ['pong:text'], label: 'text ping' })],
    [1, () => ignored(r.pick(['PING', 'ping!', 'p ing', '"ping"', 'pong', '']), 'not quite ping')],
    [
      3,
      () => {
        const pairs: [string, unknown][] = [['type', 'ping']];
        // Shallow extras: a ping nested past 32 levels would be ignored.
        for (let i = r.int(3); i > 0; i--)
          pairs.push([r.chance(0.5) ? r.pick(PROTO_KEYS) : oddString(r), oddString(r)]);
        return { text: JSON.stringify(objectOf(pairs)), expect: ['pong:json'], label: 'JSON ping' };
      },
    ],
    [2, () => ignored(JSON.stringify(objectOf([['type', hostile(r)]])), 'another type')],
    [1, () => ignored(JSON.stringify(hostileObject(r)), 'an object')],
    [1, () => ignored(JSON.stringify([{ type: 'ping' }]), 'a ping in an array')],
    [1, () => ignored(invalidJson(r, '{"type":"ping"}'), 'invalid JSON')],
    [
      1,
      () => {
        const binary = notUtf8(r);
        return { text: binary.toString('utf8'), binary, expect: [], label: 'binary, not UTF-8' };
      },
    ],
    [1, () => ignored(`{"type":"ping","x":${nestedText(r.range(33, 30_000))}}`, 'a deep ping')],
  ])();
}

export const jobQueueModel = (): EndpointModel => ({
  name: '/api/ws/jobs',
  path: '/api/ws/jobs',
  classify(text) {
    if (text === 'pong') return 'pong:text';
    const m = json(text);
    if (m === undefined) return undocumented(text);
    if (m.type === 'pong') return typeof m.timestamp === 'string' ? 'pong:json' : undocumented(text);
    const events = [
      'job_created',
      'job_started',
      'job_updated',
      'job_completed',
      'job_failed',
      'stats_updated',
    ];
    return typeof m.type === 'string' && events.includes(m.type) ? null : undocumented(text);
  },
  input: queueInput,
  sentinel: { text: 'ping', expect: ['pong:text'], label: 'sentinel' },
  perConnection: 1000,
  flood: '{}',
  rateErrors: [],
});

/** matching-job-stream.md: broadcast-only, every inbound message ignored. */
export const matchingModel = (jobId: string, token: string): EndpointModel => ({
  name: '/ws/matching-jobs/{id}',
  path: `/ws/matching-jobs/${jobId}?token=${token}`,
  classify: (text) => (typeof json(text)?.event_id === 'string' ? null : undocumented(text)),
  input(r) {
    const any: Input = r.chance(0.5) ? queueInput(r) : noMessage(r, feedGrammar, '{"type":"subscribe"}');
    const none: Expect = [];
    return { ...any, expect: none };
  },
  perConnection: 1000,
  flood: '{}',
  rateErrors: [],
});
