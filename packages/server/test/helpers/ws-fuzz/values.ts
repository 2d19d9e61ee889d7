import type { Prng } from '../prng.js';

/**
 * Hostile values and texts for the fuzz suite: every JSON type, prototype keys, control characters,
 * odd numbers, huge strings and deep nesting. Everything stays within one frame (MAX_PAYLOAD_BYTES,
 * 64 KiB) unless a test asks for more.
 */

/** Keys that mean something to a JavaScript object. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
const ODD_TEXT = [
  '',
  ' ',
  '\u0000',
  '\ufeff',
  '\u202e',
  '\ud83d\ude00',
  '\ud800',
  'é',
  '💥'.repeat(20),
  'null',
  'true',
  '0',
  '-1',
  '[]',
  '{}',
  '%zz',
  '../../etc/passwd',
  '<script>',
  "'; DROP TABLE users; --",
  '${jndi:ldap://x}',
];

/** A short string of odd characters. */
export function oddString(r: Prng): string {
  return r.weighted([
    [3, () => r.pick(ODD_TEXT)],
    [2, () => r.pick(PROTO_KEYS)],
    [2, () => r.string(r.range(1, 16), CONTROL)],
    [2, () => r.string(r.range(1, 40), 'aZ09 _-.:/\\"\'{}[],\u00e9\u4e2d\ud83d\ude00')],
  ])();
}

/** A long string, up to `max` characters (plain ASCII, so that it stays within a frame). */
export function hugeString(r: Prng, max = 30_000): string {
  return r.pick(['x', 'ab', '\\', '"', '0']).repeat(r.range(1_000, max));
}

/** Arrays or objects nested `depth` levels deep (`[]` is one). */
export function nested(depth: number, object: boolean): unknown {
  let value: unknown = object ? {} : [];
  for (let i = 1; i < depth; i++) value = object ? { a: value } : [value];
  return value;
}

/** The text of brackets nested `depth` deep, closed or (with `open`) left open. */
export function nestedText(depth: number, open = false): string {
  return '['.repeat(depth) + (open ? '' : ']'.repeat(depth));
}

/** Any JSON value, of any type: what a field of the wrong type receives. */
export function hostile(r: Prng, depth = 0): unknown {
  return r.weighted<() => unknown>([
    [2, () => null],
    [2, () => r.chance(0.5)],
    [3, () => r.pick([0, -1, 1, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 31), 4294967296, 1e-300])],
    [4, () => oddString(r)],
    [depth > 2 ? 0 : 1, () => hugeString(r, 8_000)],
    [2, () => (depth > 3 ? [] : Array.from({ length: r.int(4) }, () => hostile(r, depth + 1)))],
    [2, () => (depth > 3 ? {} : hostileObject(r, depth + 1))],
    // At most 20 deep, so that a message holding it stays within 32 levels (deeper is its own input).
    [1, () => nested(r.range(2, 20), r.chance(0.5))],
  ])();
}

/** An object whose keys may be prototype keys. */
export function hostileObject(r: Prng, depth = 0): Record<string, unknown> {
  const pairs: [string, unknown][] = [];
  for (let i = r.int(4); i > 0; i--) {
    pairs.push([r.chance(0.5) ? r.pick(PROTO_KEYS) : oddString(r), depth > 3 ? 1 : hostile(r, depth + 1)]);
  }
  return objectOf(pairs);
}

/** An object with exactly these own properties, `__proto__` included (as JSON.parse would make it). */
export function objectOf(pairs: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A value of the wrong type: anything `hostile` gives that `isValid` refuses (a bounded search). */
export function invalidValue(r: Prng, isValid: (value: unknown) => boolean, fallback: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const value = hostile(r);
    if (!isValid(value)) return value;
  }
  return fallback;
}

/** Text that is not JSON, made from a message's own text or from nothing. */
export function invalidJson(r: Prng, valid: string): string {
  return r.weighted<() => string>([
    [3, () => valid.slice(0, r.int(Math.max(1, valid.length - 1)))],
    [2, () => valid + r.pick([',', '}', ']', 'x', ' 1'])],
    [1, () => `\ufeff${valid}`],
    [1, () => valid.replace(/"/g, "'")],
    [1, () => valid.replace(/:/, ': undefined,')],
    [1, () => `${valid.slice(0, -1)},}`],
    [1, () => r.pick(['NaN', 'Infinity', '-', '"unterminated', '{"a":1}{"b":2}', "{'a':1}", '/* */ {}'])],
    [1, () => `{"type":"${r.string(3, CONTROL)}"}`],
    [1, () => r.string(r.range(1, 200), ' abc{}[]":,0\\\u00e9')],
    [1, () => nestedText(r.range(2, 30_000), true)],
  ])();
}

/** Whether JSON-ish text opens more than 32 levels (a parser may then refuse it as too deep instead). */
export function mayBeTooDeep(text: string): boolean {
  let opens = 0;
  for (let i = 0; i < text.length && opens <= 32; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) opens++;
  }
  return opens > 32;
}
