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

export interface PollResponse {
  readonly topic: string;
  readonly epoch: string;
  /** Pass this as `since` in the next poll. */
  readonly seq: number;
  readonly recovered: boolean;
  readonly events: { topic: string; seq: number; event: string; ts: string; data: unknown }[];
}

/** Most events one poll answers with; the rest come with the next poll. */
const MAX_EVENTS = 1000;

/** An event as a poll answer lists it, as JSON: rendered once per event, to measure the answer. */
const pollItem: FrameEncoder = (e) => Buffer.from(JSON.stringify(toItem(e)));

/**
 * One long-poll: the events after `since` at once, or else the next events within the timeout.
 * Resolves early (with what it has) when `signal` aborts, as at shutdown or when the client leaves.
 * An answer holds at most MAX_EVENTS events and `maxBytes` of them; its `seq` is where the next
 * poll goes on, so that a replay of any size comes page by page.
 */
export async function longPoll(hub: Hub, request: PollRequest, signal: AbortSignal): Promise<PollResponse> {
  const events: CanonicalEvent[] = [];
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
    const size = (event.frame(pollItem) as Buffer).length;
    if (events.length >= MAX_EVENTS || (events.length > 0 && bytes + size > request.maxBytes)) {
      answer();
      return;
    }
    events.push(event.event);
    bytes += size;
    // Answer after the current turn, so that a burst goes out in one response.
    if (events.length === 1) setImmediate(() => wake?.());
  };
  // The replay is taken while the answer has room; when it is full, the poll answers.
  const pace: Pace = {
    ready: () => !full && events.length < MAX_EVENTS && bytes < request.maxBytes,
    wait: answer,
    replaying: () => {},
  };
  const result = await hub.subscribe(request.topic, sink, { ...request, pace, onBehind: answer });
  try {
    result.start();
    if (
      events.length === 0 &&
      !full &&
      (result.recovered || request.since === undefined) &&
      !signal.aborted
    ) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, request.timeoutMs);
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        wake = done;
        signal.addEventListener('abort', done);
      });
    }
  } finally {
    hub.unsubscribe(result.subscription);
  }
  const last = events.at(-1);
  const floor = result.recovered ? (request.since ?? result.seq) : result.seq;
  return {
    topic: request.topic,
    epoch: result.epoch,
    seq: last ? last.seq : floor,
    recovered: result.recovered,
    events: events.map(toItem),
  };
}

function toItem(e: CanonicalEvent): PollResponse['events'][number] {
  return { topic: e.topic, seq: e.seq, event: e.type, ts: e.ts, data: e.data };
}
