import type { CanonicalEvent } from '@jobstream/protocol';
import { HubEvent } from './hub-event.js';
import type { TypeMatcher } from './type-filter.js';

export type EventSink = (event: HubEvent) => void;

/**
 * How a subscriber paces its catch-up (the replay, then the live events held meanwhile): a replay of
 * any size goes out as fast as the subscriber takes it, and never piles up in its send queue.
 */
export interface Pace {
  /** true while the subscriber can take more catch-up at once. */
  ready(): boolean;
  /** Calls `resume` once, when the subscriber can take more. */
  wait(resume: () => void): void;
  /** Told around each run of catch-up handed to the sink, so that it can tell catch-up from live. */
  replaying(on: boolean): void;
}

/** One page of history after a seq, and whether more follows; null when history no longer holds it. */
export type PageReader = (
  after: number,
) => Promise<{ readonly events: readonly CanonicalEvent[]; readonly more: boolean } | null>;

/** Who made the subscription (the hub): lets go of it when it falls behind. */
export interface SubscriptionOwner {
  unsubscribe(subscription: Subscription): void;
}

export interface SubscriptionOptions {
  readonly filter: TypeMatcher | undefined;
  readonly onReset?: (() => void) | undefined;
  /** Without it, catch-up is handed over as fast as history is read. */
  readonly pace?: Pace | undefined;
  /** Most live events held while the subscriber catches up. */
  readonly holdLimit: number;
  /** Unsubscribes it when it cannot be caught up in order (more live events than it may hold, history gone). */
  readonly owner: SubscriptionOwner;
  /** Then told to the subscriber, who should resume. */
  readonly onBehind?: (() => void) | undefined;
}

const NONE: readonly CanonicalEvent[] = [];
const ignore: EventSink = () => {};

/**
 * One subscriber's view of a topic. It starts out holding live events while history is read, then
 * delivers the replay page by page (as its pace allows) and the held events, skipping every seq already
 * delivered, and goes live: no gap, no duplicate across the hand-off. What it holds is bounded: a
 * subscriber that falls further behind is let go of (`onBehind`) and resumes from its last seq.
 */
export class Subscription {
  readonly topic: string;
  #sink: EventSink;
  readonly #filter: TypeMatcher | undefined;
  readonly #onReset: (() => void) | undefined;
  readonly #pace: Pace | undefined;
  readonly #holdLimit: number;
  readonly #owner: SubscriptionOwner;
  readonly #onBehind: (() => void) | undefined;
  /** Live events held until the catch-up has delivered them; undefined once live. */
  #held: HubEvent[] | undefined = [];
  #heldHead = 0;
  #page = NONE;
  #pageHead = 0;
  /** Reads the replay's next page; undefined when the page at hand is its last. */
  #next: PageReader | undefined;
  #reading = false;
  /** The highest seq this subscriber has been given (or chose to skip). */
  #lastSeq = 0;
  #closed = false;

  constructor(topic: string, sink: EventSink, options: SubscriptionOptions) {
    this.topic = topic;
    this.#sink = sink;
    this.#filter = options.filter;
    this.#onReset = options.onReset;
    this.#pace = options.pace;
    this.#holdLimit = options.holdLimit;
    this.#owner = options.owner;
    this.#onBehind = options.onBehind;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called by the hub for each live event of the topic, in seq order. */
  offer(event: HubEvent): void {
    const held = this.#held;
    if (held === undefined) {
      this.#deliver(event);
      return;
    }
    if (held.length - this.#heldHead >= this.#holdLimit) this.#behind();
    else held.push(event);
  }

  /**
   * Ends the hold: delivers `replay` (the first page of events after the client's seq; `next` reads
   * the others) then the held live events, each seq at most once, then goes live. Without a replay the
   * subscription starts after `fromSeq`.
   */
  start(fromSeq: number, replay: readonly CanonicalEvent[], next?: PageReader): void {
    if (this.#closed) return;
    this.#lastSeq = fromSeq;
    this.#page = replay;
    this.#next = next;
    this.#pump();
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
    this.#page = NONE;
    this.#next = undefined;
    this.#sink = ignore;
  }

  /** Hands over catch-up while the pace allows, reading pages as needed; goes live at its end. */
  #pump(): void {
    if (this.#closed || this.#reading) return;
    const pace = this.#pace;
    pace?.replaying(true);
    try {
      for (;;) {
        const held = this.#held;
        if (this.#closed || held === undefined) return;
        if (pace !== undefined && !pace.ready()) {
          pace.wait(() => this.#pump());
          return;
        }
        if (this.#pageHead < this.#page.length) {
          this.#deliver(new HubEvent(this.#page[this.#pageHead++] as CanonicalEvent, 1));
        } else if (this.#next !== undefined) {
          this.#read(this.#next);
          return;
        } else if (this.#heldHead < held.length) {
          this.#deliver(held[this.#heldHead++] as HubEvent);
          // What was delivered is let go of once it is most of the array.
          if (this.#heldHead >= 1024 && this.#heldHead * 2 >= held.length) {
            held.splice(0, this.#heldHead);
            this.#heldHead = 0;
          }
        } else {
          // Caught up: nothing else can arrive in between, so live delivery takes over from here.
          this.#held = undefined;
          this.#page = NONE;
          return;
        }
      }
    } finally {
      pace?.replaying(false);
    }
  }

  /** It cannot be caught up in order: let go of, and the subscriber told (it resumes). */
  #behind(): void {
    this.#owner.unsubscribe(this);
    this.#onBehind?.();
  }

  #read(next: PageReader): void {
    this.#reading = true;
    next(this.#lastSeq).then(
      (page) => {
        this.#reading = false;
        if (this.#closed) return;
        if (page === null) {
          this.#behind(); // trimmed while it caught up: it resumes and is told what is lost
          return;
        }
        this.#page = page.events;
        this.#pageHead = 0;
        if (!page.more) this.#next = undefined;
        this.#pump();
      },
      () => {
        this.#reading = false;
        if (!this.#closed) this.#behind();
      },
    );
  }

  #deliver(event: HubEvent): void {
    const seq = event.event.seq;
    if (seq <= this.#lastSeq || this.#closed) return;
    this.#lastSeq = seq;
    if (this.#filter && !this.#filter(event.event.type)) return;
    this.#sink(event);
  }
}
