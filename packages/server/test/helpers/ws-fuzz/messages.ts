import type { Prng } from '../prng.js';
import {
  hostile,
  hugeString,
  invalidJson,
  mayBeTooDeep,
  nested,
  nestedText,
  objectOf,
  PROTO_KEYS,
} from './values.js';

/**
 * Client messages built from a dialect's documented messages, each with the answers its document
 * allows: valid ones, and ones with exactly one thing wrong (a field of the wrong type, a missing
 * field, an unknown key, an unknown tag), plus text that is not a message at all.
 */

/** What an input may be answered with: answer kinds (see each model's `classify`); [] is silence. */
export type Expect = readonly string[];

export interface Input {
  readonly text: string;
  readonly expect: Expect;
  /** What was done to it, for a failure report. */
  readonly label: string;
  /** Bytes that are not UTF-8, sent in a binary frame (which is read as its UTF-8 text, `text`). */
  readonly binary?: Buffer;
}

export interface FieldSpec {
  readonly name: string;
  readonly required?: boolean;
  valid(r: Prng): unknown;
  /** Whether the document accepts this value for the field. */
  accepts(value: unknown): boolean;
  /** Values it refuses that `hostile` rarely makes (too long, out of range). */
  invalid?(r: Prng): unknown;
}

export interface MessageSpec {
  /** The tag's value (`subscribe`); the model names the tag's key. */
  readonly tag: string;
  readonly fields: readonly FieldSpec[];
  /** The answers to the valid message. */
  readonly answer: Expect;
}

/** How one dialect parses: its tag key, its messages, and its answers to what is not a message. */
export interface Grammar {
  readonly tagKey: string;
  readonly messages: readonly MessageSpec[];
  /** Unknown keys make a message invalid (native's strict objects) or are ignored. */
  readonly strict: boolean;
  readonly invalid: Expect;
  readonly invalidJson: Expect;
  readonly tooDeep: Expect;
  /** Answers when the tag is missing, or null (the notifications API takes that for a ping). */
  readonly missingTag?: Expect;
  /** Answers when the tag is null (notifications: a ping too); default `invalid`. */
  readonly nullTag?: Expect;
}

/** One message and its allowed answers. */
export function message(r: Prng, g: Grammar): Input {
  const spec = r.pick(g.messages);
  const pairs: [string, unknown][] = [[g.tagKey, spec.tag]];
  for (const field of spec.fields) {
    if (field.required === true || r.chance(0.5)) pairs.push([field.name, field.valid(r)]);
  }
  const mode = r.weighted<string>([
    [30, 'valid'],
    [30, 'field'],
    [6, 'missing'],
    [6, 'duplicate'],
    [10, 'extra'],
    [8, 'tag'],
    [4, 'no-tag'],
    [6, 'not-object'],
  ]);
  const text = (p: readonly (readonly [string, unknown])[]) =>
    `{${p.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  // A field that takes anything (a ping's timestamp) cannot be given a wrong value.
  const checked = spec.fields.filter((f) => f.accepts !== is.anything);
  const field = checked.length > 0 ? r.pick(checked) : undefined;
  switch (mode) {
    case 'field':
    case 'duplicate': {
      if (!field) break;
      const bad = badValue(r, field);
      const rest = pairs.filter(([k]) => k !== field.name || mode === 'duplicate');
      return {
        text: text([...rest, [field.name, bad]]),
        expect: g.invalid,
        label: `${spec.tag}.${field.name} ${mode}`,
      };
    }
    case 'missing': {
      const required = spec.fields.filter((f) => f.required === true);
      if (required.length === 0) break;
      const gone = r.pick(required).name;
      return {
        text: text(pairs.filter(([k]) => k !== gone)),
        expect: g.invalid,
        label: `${spec.tag} without ${gone}`,
      };
    }
    case 'extra': {
      const key = r.chance(0.6) ? r.pick(PROTO_KEYS) : `x_${r.string(4)}`;
      const at = r.int(pairs.length + 1);
      pairs.splice(at, 0, [key, hostile(r)]);
      return { text: text(pairs), expect: g.strict ? g.invalid : spec.answer, label: `${spec.tag} + ${key}` };
    }
    case 'tag': {
      const bad = r.chance(0.5)
        ? hostile(r)
        : r.pick([...PROTO_KEYS, spec.tag.toUpperCase(), `${spec.tag} `, '']);
      const known = g.messages.some((m) => m.tag === bad);
      if (known) break;
      pairs[0] = [g.tagKey, bad];
      return {
        text: text(pairs),
        expect: bad === null ? (g.nullTag ?? g.invalid) : g.invalid,
        label: `tag ${JSON.stringify(bad).slice(0, 20)}`,
      };
    }
    case 'no-tag':
      return { text: text(pairs.slice(1)), expect: g.missingTag ?? g.invalid, label: 'no tag' };
    case 'not-object': {
      const value = r.chance(0.3) ? pairs.map(([k, v]) => [k, v]) : hostileNonObject(r);
      return { text: JSON.stringify(value), expect: g.invalid, label: 'not an object' };
    }
  }
  return { text: text(pairs), expect: spec.answer, label: `${spec.tag} valid` };
}

/** Text that is no message: not JSON, nested too deep, or a huge value. */
export function noMessage(r: Prng, g: Grammar, sample: string): Input {
  return r.weighted<() => Input>([
    [
      5,
      () => {
        const text = notJson(r, sample);
        return {
          text,
          expect: mayBeTooDeep(text) ? [...g.invalidJson, ...g.tooDeep] : g.invalidJson,
          label: 'invalid JSON',
        };
      },
    ],
    [
      2,
      () => {
        const depth = r.range(33, 30_000);
        const inner = r.chance(0.5)
          ? nestedText(depth)
          : JSON.stringify(nested(Math.min(depth, 1_000), true));
        const text = r.chance(0.5)
          ? inner
          : `{${JSON.stringify(g.tagKey)}:${JSON.stringify(r.pick(g.messages).tag)},"x":${inner}}`;
        return { text, expect: g.tooDeep, label: `nested ${depth}` };
      },
    ],
    [1, () => ({ text: JSON.stringify(hugeString(r)), expect: g.invalid, label: 'a huge string' })],
    [
      1,
      () => {
        const binary = notUtf8(r);
        const text = binary.toString('utf8');
        return {
          text,
          binary,
          expect: mayBeTooDeep(text) ? [...g.invalidJson, ...g.tooDeep] : g.invalidJson,
          label: 'binary, not UTF-8',
        };
      },
    ],
  ])();
}

/** A value the field refuses: its own bad values or any hostile one, checked (`"true"` is a topic). */
function badValue(r: Prng, field: FieldSpec): unknown {
  for (let i = 0; i < 20; i++) {
    const value = field.invalid && r.chance(0.5) ? field.invalid(r) : hostile(r);
    if (!field.accepts(value)) return value;
  }
  return objectOf([['__proto__', {}]]);
}

function hostileNonObject(r: Prng): unknown {
  for (let i = 0; i < 20; i++) {
    const value = hostile(r);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  }
  return null;
}

/** Common field checks. */
export const is = {
  string: (min: number, max: number) => (v: unknown) =>
    typeof v === 'string' && v.length >= min && v.length <= max,
  pattern: (re: RegExp) => (v: unknown) => typeof v === 'string' && re.test(v),
  int: (min: number, max: number) => (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
  arrayOf: (min: number, max: number, item: (v: unknown) => boolean) => (v: unknown) =>
    Array.isArray(v) && v.length >= min && v.length <= max && v.every(item),
  anything: () => true,
};

/** Text that JSON.parse refuses (some mutations happen to be JSON: `0`, a string with a DEL in it). */
function notJson(r: Prng, sample: string): string {
  for (let i = 0; i < 20; i++) {
    const text = invalidJson(r, sample);
    try {
      JSON.parse(text);
    } catch {
      return text;
    }
  }
  return '{';
}

/** Bytes that are no UTF-8 (and so, read as UTF-8, no JSON: the replacement character comes first). */
export function notUtf8(r: Prng): Buffer {
  return Buffer.concat([Buffer.from([r.pick([0xff, 0xfe, 0xc0, 0x80])]), r.bytes(r.range(0, 200))]);
}
