import type { Prng } from '../prng.js';
import type { FuzzCredentials } from './request.js';
import type { FuzzRoute } from './routes.js';

/** A Content-Type for a body: JSON mostly, else one a careless parser could mistake. */
export function contentType(rng: Prng, labels: string[]): string {
  if (rng.chance(0.8)) return 'application/json';
  const type = rng.pick([
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'application/xml',
    'a/b/c',
    ';;;',
    'json',
    'application/merge-patch+json',
    'application/json;;',
    '*/*',
  ]);
  labels.push(`content-type ${type}`);
  return type;
}

/** Credentials (good, foreign, malformed), an Idempotency-Key, and now and then an odd header. */
export function fuzzHeaders(
  headers: Record<string, string>,
  route: FuzzRoute,
  rng: Prng,
  who: FuzzCredentials,
  labels: string[],
): void {
  const roll = rng.next();
  if (route.path === '/api/v1/publish' && roll < 0.5) headers.authorization = `Bearer ${who.apiKey}`;
  else if (roll < 0.3) {
    // anonymous
  } else if (roll < 0.7) headers.authorization = `Bearer ${rng.pick(who.tokens)}`;
  else {
    const bad = rng.pick([
      `Bearer ${who.foreignToken}`,
      'Bearer',
      'Bearer ',
      'Bearer x',
      'Basic Zm9vOmJhcg==',
      `bearer ${rng.pick(who.tokens)}`,
      `Bearer ${'a'.repeat(8000)}`,
      'Token abc',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'Bearer  x  y',
    ]);
    labels.push(`authorization ${bad.slice(0, 24)}`);
    headers.authorization = bad;
  }
  if (rng.chance(0.1))
    headers.cookie = `jobstream_session=${rng.pick(['x', '', 'a.b.c', rng.pick(who.tokens)])}`;
  if (rng.chance(0.3)) {
    const key = rng.pick([
      rng.string(8),
      rng.string(8),
      '',
      'k'.repeat(201),
      'k'.repeat(5000),
      'shared-key',
      ' ',
    ]);
    labels.push(`idempotency-key ${key.slice(0, 12)}(${key.length})`);
    headers['idempotency-key'] = key;
  }
  if (rng.chance(0.15)) {
    const [name, value] = rng.pick([
      ['accept', 'garbage/*;q=x'],
      ['x-forwarded-for', 'not-an-ip, ::::'],
      ['origin', 'http://evil.example'],
      ['last-event-id', rng.pick(['x', 'postings:abc', 'a'.repeat(500), 'postings:1,,:'])],
      ['accept-encoding', 'zz'],
      ['x-forwarded-proto', 'gopher'],
      ['range', 'bytes=9-1'],
      ['if-none-match', '*'],
      ['accept-version', 'x'],
    ] as const);
    labels.push(`${name}: ${value.slice(0, 20)}`);
    headers[name] = value;
  }
}
