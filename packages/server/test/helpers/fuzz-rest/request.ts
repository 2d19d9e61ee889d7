import { contentType, fuzzHeaders } from './headers.js';
import type { Prng } from '../prng.js';
import type { FuzzRoute } from './routes.js';
import { hostileJson, malformedBody, nested, validValue, type KnownIds } from './values.js';

/** Who a request may speak as. */
export interface FuzzCredentials {
  /** Valid tokens of signed-in users (a job seeker, a recruiter, an admin). */
  readonly tokens: readonly string[];
  /** A well-formed token signed with another secret. */
  readonly foreignToken: string;
  readonly apiKey: string;
}

export interface FuzzRequest {
  readonly method: string;
  /** Path and query, as sent on the request line. */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  /** What was mutated, for the failure report. */
  readonly label: string;
}

/** Body seeds for routes whose body the OpenAPI document does not describe. */
export const bodySeeds: Record<string, () => unknown> = {
  'POST /api/v1/auth/login': () => ({ email: 'seeker@example.test', password: 'password-123' }),
  'POST /api/v1/auth/register': () => ({
    email: 'new@example.test',
    password: 'p',
    role: 'job_seeker',
    name: 'N',
  }),
  'POST /api/v1/publish': () => ({ topic: 'postings', type: 'posting.created', data: { id: 1 } }),
};

const HOLE = '@@FUZZ_HOLE@@';
const oddMethods = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'FOO',
  'SEARCH',
  'TRACE',
];

/** One seeded, mostly hostile request to `route`. */
export function fuzzRequest(route: FuzzRoute, rng: Prng, ids: KnownIds, who: FuzzCredentials): FuzzRequest {
  const labels: string[] = [];
  const method = rng.chance(0.9) ? route.method : rng.pick(oddMethods);
  if (method !== route.method) labels.push(`method ${method}`);
  const target = fuzzPath(route, rng, ids, labels) + fuzzQuery(route, rng, ids, labels);
  const headers: Record<string, string> = {};
  const key = `${route.method} ${route.path}`;
  const takesBody = route.body !== undefined || key in bodySeeds || ['POST', 'PUT', 'PATCH'].includes(method);
  let body: Buffer | undefined;
  if (takesBody || rng.chance(0.1)) {
    body = fuzzBody(route, key, rng, ids, labels);
    headers['content-type'] = contentType(rng, labels);
  }
  fuzzHeaders(headers, route, rng, who, labels);
  return { method, target, headers, body, label: labels.join('; ') || 'plain' };
}

function fuzzPath(route: FuzzRoute, rng: Prng, ids: KnownIds, labels: string[]): string {
  const path = route.path === '*' ? '/*' : route.path;
  return path
    .replace(/:(\w+)/g, (_, name: string) => {
      const schema = route.params.find((p) => p.name === name)?.schema;
      if (rng.chance(0.5)) return encodeURIComponent(String(validValue(schema, rng, ids)));
      const bad = rng.pick([
        '%zz',
        '%',
        '%E0%A4%A',
        '0',
        '-1',
        '1.5',
        '1e3',
        '99999999999999999999999',
        'abc',
        '%00',
        '%2e%2e',
        '__proto__',
        'constructor',
        '%F0%9F%98%80',
        '1'.repeat(101),
        'a'.repeat(1000),
        '%2F',
        '%20',
        'null',
      ]);
      labels.push(`param ${name}=${bad.slice(0, 20)}`);
      return bad;
    })
    .replace(/\*$/, () => {
      const tail = rng.pick([
        'x.js',
        'index.html',
        '../package.json',
        '%2e%2e/%2e%2e/etc/passwd',
        '%zz',
        '.env',
        'a/b/c',
        'a'.repeat(300),
        '',
      ]);
      labels.push(`wildcard ${tail.slice(0, 20)}`);
      return tail;
    });
}

function fuzzQuery(route: FuzzRoute, rng: Prng, ids: KnownIds, labels: string[]): string {
  const parts: string[] = [];
  // Long-poll waits up to `timeout` seconds when nothing is new: ask it not to, most of the time.
  if (route.path.endsWith('/poll') && rng.chance(0.9)) parts.push('timeout=0');
  if (route.path === '/api/v1/events' || route.path.endsWith('/poll')) {
    parts.push(rng.chance(0.5) ? 'topics=postings' : 'topic=postings');
    // A replay from the start: whatever a fuzzed publish put in history is read back and encoded.
    if (rng.chance(0.4)) parts.push('since=0');
  }
  for (const param of route.query) {
    if (!rng.chance(0.4)) continue;
    const value = rng.chance(0.6) ? String(validValue(param.schema, rng, ids)) : hostileQueryValue(rng);
    parts.push(`${param.name}=${value.startsWith('%') ? value : encodeURIComponent(value)}`);
  }
  if (rng.chance(0.3)) {
    const odd = rng.pick([
      'limit=1&limit=2',
      'since=%zz',
      'q=%',
      '__proto__[admin]=1',
      'constructor[prototype][x]=1',
      'a[b][c]=d',
      '&&==&',
      `q=${'x'.repeat(5000)}`,
      'topics=,,,',
      'since=-1',
      'since=1e400',
      'types=%00',
      'epoch=' + 'e'.repeat(200),
      'timeout=-5',
      'timeout=abc',
      'offset=9007199254740993',
      'limit=0',
      'is_active=maybe',
      'unknown=1',
    ]);
    labels.push(`query ${odd.slice(0, 30)}`);
    parts.push(odd);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function hostileQueryValue(rng: Prng): string {
  return rng.pick(['', '-1', 'abc', '1.5', '%zz', '%', '1e309', 'null', 'true', '[]', '{}', 'x'.repeat(300)]);
}

function fuzzBody(route: FuzzRoute, key: string, rng: Prng, ids: KnownIds, labels: string[]): Buffer {
  const seed = bodySeeds[key];
  const valid = () => (seed ? seed() : validValue(route.body, rng, ids));
  const roll = rng.next();
  if (roll < 0.25) return Buffer.from(JSON.stringify(valid()) ?? '{}');
  if (roll < 0.37) {
    labels.push('malformed body');
    return malformedBody(rng);
  }
  if (roll < 0.43) {
    const depth = rng.pick([33, 100, 30_000]);
    labels.push(`body nested ${depth}`);
    return Buffer.from(nested(depth, rng));
  }
  const value = valid();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    labels.push('hostile body');
    return Buffer.from(hostileJson(rng));
  }
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record);
  if (roll < 0.51) {
    // A valid body with one field nested deep: past validation for fields that take anything.
    const field = fields.length > 0 ? rng.pick(fields) : 'data';
    const depth = rng.pick([33, 10_000, 30_000]);
    labels.push(`${field} nested ${depth}`);
    record[field] = HOLE;
    const deep = rng.chance(0.5) ? nested(depth, rng) : `{"x":${nested(depth, rng)}}`;
    return Buffer.from(JSON.stringify(record).replace(JSON.stringify(HOLE), () => deep));
  }
  if (roll < 0.59) {
    const field =
      rng.chance(0.5) && fields.length > 0 ? rng.pick(fields) : rng.pick(['__proto__', 'extra', '']);
    delete record[field];
    labels.push(`without ${field}`);
    if (rng.chance(0.5)) record[`unknown_${rng.string(3)}`] = 1;
    return Buffer.from(JSON.stringify(record));
  }
  // One field (an existing one, or a prototype key) becomes something hostile.
  const field =
    fields.length > 0 && rng.chance(0.8)
      ? rng.pick(fields)
      : rng.pick(['__proto__', 'constructor', 'prototype']);
  // Sometimes one level down, for fields that take any object (a notification's or a publish's data).
  const hostile = rng.chance(0.3) ? `{"x":${hostileJson(rng)}}` : hostileJson(rng);
  labels.push(`${field}=${hostile.slice(0, 30)}`);
  record[field] = HOLE;
  return Buffer.from(JSON.stringify(record).replace(JSON.stringify(HOLE), () => hostile));
}
