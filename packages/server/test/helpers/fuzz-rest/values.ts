import type { Prng } from '../prng.js';
import type { JsonSchema } from './routes.js';

/** Ids that exist on the fuzzed server, so that some inputs reach past the 404s into the handlers. */
export interface KnownIds {
  readonly numbers: readonly number[];
  readonly uuids: readonly string[];
}

const words = ['general', 'engineer', 'acme', 'remote', 'go', 'python', 'berlin', 'x', 'a_b', 'postings'];

/** A value that satisfies `schema` most of the time (formats, enums, bounds), at most a few levels deep. */
export function validValue(schema: JsonSchema | undefined, rng: Prng, ids: KnownIds, depth = 0): unknown {
  if (schema === undefined) return rng.pick(words);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined && schema.enum.length > 0) return rng.pick(schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices !== undefined && choices.length > 0) return validValue(rng.pick(choices), rng, ids, depth);
  if (schema.nullable === true && rng.chance(0.1)) return null;
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(schema.properties ?? {})) {
        const required = schema.required?.includes(name) === true;
        if ((required || rng.chance(0.5)) && depth < 6) out[name] = validValue(inner, rng, ids, depth + 1);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, rng.range(0, Math.min(3, schema.maxItems ?? 3)));
      return Array.from({ length: n }, () => validValue(schema.items, rng, ids, depth + 1));
    }
    case 'integer':
    case 'number': {
      const known = ids.numbers.filter((n) => n >= (schema.minimum ?? -Infinity));
      if (known.length > 0 && rng.chance(0.6)) return rng.pick(known);
      const min = Math.max(schema.minimum ?? 0, -1000);
      const max = Math.min(schema.maximum ?? 1000, 1000);
      return type === 'integer' ? rng.range(Math.ceil(min), Math.floor(max)) : min + rng.next() * (max - min);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'string':
      return validString(schema, rng, ids);
    case undefined:
    default:
      return rng.pick([rng.pick(words), 1, true, {}]);
  }
}

function validString(schema: JsonSchema, rng: Prng, ids: KnownIds): string {
  switch (schema.format) {
    case 'uuid':
      return rng.pick(ids.uuids);
    case 'email':
      return `${rng.string(6)}@example.test`;
    case 'date-time':
      return new Date(Date.UTC(2027, rng.range(0, 11), rng.range(1, 28), rng.range(0, 23))).toISOString();
    case 'uri':
      // Only loopback, on a port where nothing listens: a fuzzed source is never fetched off this machine.
      return `http://127.0.0.1:9/${rng.string(4)}`;
    case undefined:
    default:
      break;
  }
  if (schema.pattern !== undefined) return rng.pick(['general', 'a1', 'postings', 'work.created']);
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 20, 20));
  return rng.string(rng.range(min, max));
}

/** JSON text that a careless parser or handler could trip on, for any one field or the whole body. */
export function hostileJson(rng: Prng): string {
  switch (rng.range(0, 13)) {
    case 0:
      return JSON.stringify(rng.pick(['', ' ', '\u0000', '\ud800', '😀'.repeat(50), '<script>', "'; --"]));
    case 1:
      return JSON.stringify(rng.pick(['%zz', '../../etc/passwd', '__proto__', 'NaN', '1e309', '-1', 'null']));
    case 2:
      return String(rng.pick([-1, 0, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1e21, 4294967296]));
    case 3:
      return rng.pick(['1e999', '-1e999', '123456789012345678901234567890']);
    case 4:
      return rng.pick(['true', 'false', 'null', '[]', '{}', '[null]', '[[]]', '{"":""}']);
    case 5:
      return JSON.stringify('x'.repeat(rng.pick([1_000, 10_000, 70_000])));
    case 6:
      return nested(rng.pick([31, 33, 64, 1_000, 10_000, 30_000]), rng);
    case 7:
      return rng.pick(['{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}']);
    case 8:
      return `{"__proto__":[],"prototype":null,"toString":1,"hasOwnProperty":"x"}`;
    case 9:
      return JSON.stringify(Array.from({ length: rng.pick([10, 1_000, 5_000]) }, (_, i) => i));
    case 10:
      return JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])));
    case 11:
      return JSON.stringify({
        id: 1,
        type: 'x',
        topic: 'postings',
        user_id: '00000000-0000-0000-0000-000000000000',
      });
    case 12:
      return JSON.stringify(
        rng.pick(['2027-02-30T00:00:00Z', '0000-00-00', 'yesterday', '9999-12-31T23:59:59Z']),
      );
    default:
      return JSON.stringify(rng.string(rng.range(0, 40), 'abc\\"\n\t\u2028{}[]:,'));
  }
}

/** Arrays or objects nested `depth` deep (objects only up to 10,000, which still fits a 64 KiB body). */
export function nested(depth: number, rng: Prng): string {
  return rng.chance(0.5) || depth > 10_000
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Bodies that are not JSON, or not what any route takes. */
export function malformedBody(rng: Prng): Buffer {
  const texts = [
    '',
    ' ',
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    'NaN',
    'undefined',
    '\ufeff{}',
    '"just a string"',
    '12',
    '[1,2',
    '{"a":"\\x"}',
    '{"a":"\\ud800"}',
    '{"a"\u0000:1}',
    '<xml/>',
    'a=1&b=2',
  ];
  if (rng.chance(0.2)) return Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]);
  if (rng.chance(0.1)) return Buffer.from(nested(rng.pick([33, 30_000]), rng));
  return Buffer.from(rng.pick(texts));
}
