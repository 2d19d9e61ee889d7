import type { CanonicalEvent } from '@jobstream/protocol';
import { HubEvent } from './hub-event.js';
import type { TypeMatcher } from './type-filter.js';

export type EventSink = (event: HubEvent) => void;

/**
 * One subscriber's view of a topic. It starts out holding live events while history is read, then
 * delivers the replay and the held events, skipping every seq already delivered, and goes live: no gap,
 * no duplicate across the hand-off.
 */
export class Subscription {
  readonly topic: string;
  #sink: EventSink;
  readonly #filter: TypeMatcher | undefined;
  #held: HubEvent[] | undefined = [];
  /** The highest seq this subscriber has been given (or chose to skip). */
  #lastSeq = 0;
  #closed = false;
  readonly #onReset: (() => void) | undefined;

  constructor(topic: string, sink: EventSink, filter: TypeMatcher | undefined, onReset?: () => void) {
    this.topic = topic;
    this.#sink = sink;
    this.#filter = filter;
    this.#onReset = onReset;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called by the hub for each live event of the topic, in seq order. */
  offer(event: HubEvent): void {
    if (this.#held) {
      this.#held.push(event);
      return;
    }
    this.#deliver(event);
  }

  /**
   * Ends the hold: delivers `replay` (events after the client's seq) then the held live events,
   * each seq at most once. Without a replay the subscription starts after `fromSeq`.
   */
  start(fromSeq: number, replay: readonly CanonicalEvent[]): void {
    if (this.#closed) return;
    this.#lastSeq = fromSeq;
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of replay) this.#deliver(new HubEvent(event, 1));
    for (const event of held) this.#deliver(event);
  }

  /**
   * The topic's history was lost (a new epoch): its seqs start over. The subscriber is told, if it asked
   * to be; otherwise it carries on with the new epoch's events.
   */
  reset(): void {
    if (this.#closed) return;
    this.#lastSeq = 0;
    this.#onReset?.();
  }

  close(): void {
    this.#closed = true;
    this.#held = undefined;
    this.#sink = () => {};
  }

  #deliver(event: HubEvent): void {
    const seq = event.event.seq;
    if (seq <= this.#lastSeq || this.#closed) return;
    this.#lastSeq = seq;
    if (this.#filter && !this.#filter(event.event.type)) return;
    this.#sink(event);
  }
}
