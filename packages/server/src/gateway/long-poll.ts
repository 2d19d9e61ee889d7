import type { CanonicalEvent } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import type { HubEvent } from '../hub/hub-event.js';

export interface PollRequest {
  readonly topic: string;
  readonly since: number | undefined;
  readonly epoch: string | undefined;
  readonly types: readonly string[] | undefined;
  readonly timeoutMs: number;
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

/**
 * One long-poll: the events after `since` at once, or else the next events within the timeout.
 * Resolves early (with what it has) when `signal` aborts, as at shutdown or when the client leaves.
 */
export async function longPoll(hub: Hub, request: PollRequest, signal: AbortSignal): Promise<PollResponse> {
  const events: CanonicalEvent[] = [];
  let wake: (() => void) | undefined;
  const sink = (event: HubEvent): void => {
    if (events.length >= MAX_EVENTS) return;
    events.push(event.event);
    // Answer after the current turn, so that a burst goes out in one response.
    if (events.length === 1) setImmediate(() => wake?.());
  };
  const result = await hub.subscribe(request.topic, sink, request);
  try {
    result.start();
    if (events.length === 0 && (result.recovered || request.since === undefined) && !signal.aborted) {
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
    events: events.map((e) => ({ topic: e.topic, seq: e.seq, event: e.type, ts: e.ts, data: e.data })),
  };
}
