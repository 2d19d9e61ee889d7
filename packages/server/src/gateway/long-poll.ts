import type { CanonicalEvent } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import type { FrameEncoder, HubEvent } from '../hub/hub-event.js';
import type { Pace } from '../hub/subscription.js';

export interface PollRequest {
  readonly topic: string;
  readonly since: number | undefined;
  readonly epoch: string | undefined;
  readonly types: readonly string[] | undefined;
  readonly timeoutMs: number;
  /** Most bytes of events one answer holds (at least one event): the rest come with the next poll. */
  readonly maxBytes: number;
}

/** A poll's answer as its client reads it (the JSON body). */
export interface PollResponse {
  readonly topic: string;
  readonly epoch: string;
  /** Pass this as `since` in the next poll. */
  readonly seq: number;
  readonly recovered: boolean;
  readonly events: { topic: string; seq: number; event: string; ts: string; data: unknown }[];
}

/** A poll's answer as the server holds it: each event already rendered as its JSON item. */
export interface PollAnswer {
  readonly topic: string;
  readonly epoch: string;
  readonly seq: number;
  readonly recovered: boolean;
  /** Each event as `PollResponse['events']` lists it, as JSON: rendered once per event, shared by every poll. */
  readonly items: readonly Buffer[];
}

/**
 * Ends a waiting poll early (with what it has): at shutdown, when its client leaves, when its token
 * lapses. Plain callbacks, no AbortSignal: one of those per poll costs more than the poll's own work.
 */
export interface PollStop {
  /** true once the poll should not wait (any more). */
  readonly stopped: boolean;
  /** Calls `wake` when the poll should stop waiting; the function returned disarms it. */
  arm(wake: () => void): () => void;
}

/** Most events one poll answers with; the rest come with the next poll. */
const MAX_EVENTS = 1000;

/** An event as a poll answer lists it, as JSON: rendered once per event, whatever the number of polls. */
const pollItem: FrameEncoder = (e) => Buffer.from(JSON.stringify(toItem(e)));

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

/**
 * One long-poll: the events after `since` at once, or else the next events within the timeout.
 * Answers early (with what it has) when `stop` says so, as at shutdown or when the client leaves.
 * An answer holds at most MAX_EVENTS events and `maxBytes` of them; its `seq` is where the next
 * poll goes on, so that a replay of any size comes page by page.
 */
export async function longPoll(hub: Hub, request: PollRequest, stop: PollStop): Promise<PollAnswer> {
  const items: Buffer[] = [];
  let last: CanonicalEvent | undefined;
  let bytes = 0;
  // Once an event did not fit, none after it may be taken either: the next poll starts before it.
  let full = false;
  let wake: (() => void) | undefined;
  const answer = (): void => {
    full = true;
    wake?.();
  };
  const sink = (event: HubEvent): void => {
    if (full) return;
    const item = event.frame(pollItem) as Buffer;
    if (items.length >= MAX_EVENTS || (items.length > 0 && bytes + item.length > request.maxBytes)) {
      answer();
      return;
    }
    items.push(item);
    last = event.event;
    bytes += item.length;
    // Answer after the current turn, so that a burst goes out in one response.
    if (items.length === 1) setImmediate(() => wake?.());
  };
  // The replay is taken while the answer has room; when it is full, the poll answers.
  const pace: Pace = {
    ready: () => !full && items.length < MAX_EVENTS && bytes < request.maxBytes,
    wait: answer,
    replaying: () => {},
  };
  const result = await hub.subscribe(request.topic, sink, { ...request, pace, onBehind: answer });
  try {
    result.start();
    if (items.length === 0 && !full && (result.recovered || request.since === undefined) && !stop.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, request.timeoutMs);
        // `arm` never wakes at once: a poll that must not wait was caught by `stopped` above.
        const disarm = stop.arm(done);
        function done(): void {
          wake = undefined;
          clearTimeout(timer);
          disarm();
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    hub.unsubscribe(result.subscription);
  }
  const floor = result.recovered ? (request.since ?? result.seq) : result.seq;
  return {
    topic: request.topic,
    epoch: result.epoch,
    seq: last ? last.seq : floor,
    recovered: result.recovered,
    items,
  };
}

/**
 * The answer's JSON body, byte for byte what `JSON.stringify` makes of its `PollResponse`: the events
 * go in as rendered, so that a poll costs no JSON per event.
 */
export function encodePollAnswer(answer: PollAnswer): Buffer {
  const head = `{"topic":${JSON.stringify(answer.topic)},"epoch":${JSON.stringify(answer.epoch)},"seq":${answer.seq},"recovered":${answer.recovered},"events":[`;
  const parts: Buffer[] = [Buffer.from(head)];
  answer.items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

function toItem(e: CanonicalEvent): PollResponse['events'][number] {
  return { topic: e.topic, seq: e.seq, event: e.type, ts: e.ts, data: e.data };
}
