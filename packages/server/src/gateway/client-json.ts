import { exceedsJsonDepth } from '../json-depth.js';

/**
 * Deepest nesting of objects and arrays in a client's WebSocket message (`{}` is one level). No
 * documented message needs more than three; deeper text is refused before it is parsed, because
 * deeper data could be parsed but not encoded again (JSON.stringify overflows the stack a few
 * thousand levels down), and a dialect quoting a bad field back would fail instead of answering.
 */
export const MAX_MESSAGE_DEPTH = 32;

/** A client message parsed as JSON, or why not: not JSON at all, or nested too deep. */
export type ClientJson =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'invalid_json' | 'too_deep' };

/** Parses one text frame of a dialect's JSON protocol, at the edge. */
export function parseClientJson(text: string): ClientJson {
  if (exceedsJsonDepth(text, MAX_MESSAGE_DEPTH)) return { ok: false, reason: 'too_deep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
}

/** The sentence dialects use for a message nested too deep. */
export const TOO_DEEP = `nested more than ${MAX_MESSAGE_DEPTH} levels deep`;
