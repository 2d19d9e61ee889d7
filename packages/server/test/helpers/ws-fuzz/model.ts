import type { Prng } from '../prng.js';
import type { Expect, Input } from './messages.js';

/** What the fuzz suite knows of one WebSocket endpoint: how to talk to it and what it may answer. */
export interface EndpointModel {
  readonly name: string;
  /** The path to open, with credentials where the endpoint needs them. */
  readonly path: string;
  /**
   * The kind of one text frame from the server: an answer kind, null for what answers nothing (the
   * welcome, events, heartbeats), or a string starting `undocumented` for anything the documents
   * do not describe.
   */
  classify(text: string): string | null;
  /** One input that keeps the socket open. */
  input(r: Prng): Input;
  /** Ends a batch: answered after everything before it. Without one, a WebSocket ping does. */
  readonly sentinel?: Input;
  /** Inputs one connection takes before the suite opens another (job-feed allows 100 a minute). */
  readonly perConnection: number;
  /** A cheap message to flood with, and what a flood hears before its 1008. */
  readonly flood: string;
  readonly rateErrors: Expect;
}

/** Parses a server frame that must be a JSON object; undefined when it is not. */
export function json(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const undocumented = (text: string): string => `undocumented: ${text.slice(0, 300)}`;

/** The kind of an error sentence, by the documented sentences it must start with. */
export function sentenceKind(
  message: unknown,
  kinds: readonly (readonly [string, string])[],
): string | undefined {
  if (typeof message !== 'string') return undefined;
  return kinds.find(([start]) => message.startsWith(start))?.[1];
}
