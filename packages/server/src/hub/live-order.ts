import type { CanonicalEvent } from '@jobstream/protocol';
import type { Logger } from '../logger.js';
import type { HistoryRead } from './broker.js';

/** A live event as it came from the shared channel, with the epoch of the history it belongs to. */
export interface Live {
  readonly epoch: string;
  readonly event: CanonicalEvent;
}

/** The state of one watched topic on this node. */
export interface Watch {
  /** watch() calls not yet matched by unwatch(). */
  count: number;
  /** The epoch of the events handed to the listener. */
  epoch: string | undefined;
  /** The highest seq handed to the listener; 0 before the first. */
  lastSeq: number;
  /** The topic's seq just after SUBSCRIBE was confirmed (every later event comes live); unknown at first. */
  floor: number | undefined;
  /** While a gap is being filled from history, the live events that arrive meanwhile. */
  held: Live[] | undefined;
}

export interface LiveOrderOptions {
  /** Reads a topic's history after `since` (the broker's own `history`). */
  readonly history: (topic: string, since: number) => Promise<HistoryRead>;
  /** Takes each live event, in seq order, once. */
  readonly deliver: (event: CanonicalEvent) => void;
  /** Told when a topic's history was lost (a new epoch): its seqs start over. */
  readonly reset: (topic: string) => void;
  readonly logger?: Logger | undefined;
}

/**
 * Puts the live events of a shared pub/sub channel in seq order, per watched topic: a seq already handed
 * on is dropped, and a gap (events missed while the subscriber reconnected) is first filled from history.
 * Knows nothing of Redis: a broker feeds it what its subscription receives.
 */
export class LiveOrder {
  readonly #watched = new Map<string, Watch>();
  readonly #options: LiveOrderOptions;

  constructor(options: LiveOrderOptions) {
    this.#options = options;
  }

  /** How many topics are watched. */
  get size(): number {
    return this.#watched.size;
  }

  /** The watched topics. */
  topics(): IterableIterator<string> {
    return this.#watched.keys();
  }

  /** Counts one more watcher of `topic`; returns its new state when it is the first (then subscribe). */
  add(topic: string): Watch | undefined {
    const existing = this.#watched.get(topic);
    if (existing) {
      existing.count++;
      return undefined;
    }
    const watch: Watch = { count: 1, epoch: undefined, lastSeq: 0, floor: undefined, held: undefined };
    this.#watched.set(topic, watch);
    return watch;
  }

  /** Counts one watcher less; true when it was the last (then unsubscribe). */
  remove(topic: string): boolean {
    const watch = this.#watched.get(topic);
    if (!watch) return false;
    if (--watch.count > 0) return false;
    this.#watched.delete(topic);
    return true;
  }

  clear(): void {
    this.#watched.clear();
  }

  /**
   * Where live delivery starts for a new watch, read just after its subscription was confirmed (epoch
   * null: nothing published yet, so whichever epoch comes, live delivery starts at its seq 1).
   */
  startAt(watch: Watch, epoch: string | null | undefined, seq: string | null | undefined): void {
    if (epoch === null) {
      if (watch.epoch === undefined) watch.floor = 0;
      return;
    }
    watch.epoch ??= epoch;
    if (watch.epoch === epoch) watch.floor = Number(seq ?? 0);
  }

  /** One live event as it came over the channel. */
  receive(live: Live): void {
    const watch = this.#watched.get(live.event.topic);
    if (!watch) return;
    if (watch.held) watch.held.push(live);
    else this.#offer(watch, live);
  }

  /**
   * Whether a live event of `topic` with this epoch and seq would be dropped by `receive` as it stands:
   * its topic is not watched, or that seq of the same epoch was handed on already (nothing is being
   * held, so no gap fill can change that). Then its JSON need not even be decoded.
   */
  stale(topic: string, epoch: string, seq: number): boolean {
    const watch = this.#watched.get(topic);
    if (!watch) return true;
    return watch.held === undefined && watch.epoch === epoch && seq <= watch.lastSeq;
  }

  /**
   * An event this node has just published, as the broker's answer gives it (before its echo comes over
   * the channel): handed on at once when it is exactly the next seq of the epoch handed on so far,
   * otherwise left alone (`event` is called only when it is handed on).
   *
   * Why this keeps the order, with no gap and no duplicate, across nodes:
   * - The channel carries every event of the topic in seq order (the script PUBLISHes as it assigns the
   *   seq), so when `lastSeq` was handed on, every earlier seq was handed on or skipped before it, and
   *   nothing lies between `lastSeq` and `lastSeq + 1`. Handing on `lastSeq + 1` now loses nothing; its
   *   echo, when it comes, is `<= lastSeq` and dropped, as any seq already handed on is.
   * - Any other case is left to the channel: a seq further on (another node's events before it are
   *   still on their way), an unknown start (`lastSeq` 0: a new watch, or just after a reset), another
   *   epoch (the reset is the channel's to tell), a gap being filled (`held`). Its echo comes behind
   *   every earlier event of the topic and is ordered, deduplicated, held or gap-filled there exactly as
   *   before; so the event waits for its predecessor, or for the gap handling, and nothing is kept here.
   * - The echo may never come (the subscriber reconnecting): then recovery reads history from
   *   `lastSeq`, which holds this event, as it holds every event the script answered for.
   */
  published(topic: string, epoch: string, seq: number, event: () => CanonicalEvent): void {
    const watch = this.#watched.get(topic);
    if (!watch || watch.held !== undefined || watch.epoch !== epoch) return;
    if (watch.lastSeq === 0 || seq !== watch.lastSeq + 1) return;
    watch.lastSeq = seq;
    this.#options.deliver(event());
  }

  /** After the subscriber reconnected (and resubscribed): fetches what every watched topic missed. */
  recover(): void {
    for (const [topic, watch] of this.#watched) {
      const from = watch.lastSeq > 0 ? watch.lastSeq : watch.floor;
      if (watch.held || from === undefined) continue;
      watch.held = [];
      void this.#fillGap(topic, watch, from);
    }
  }

  /**
   * Hands a live event on in seq order: a seq already handed on (read from history first) is dropped,
   * and a gap is first filled from history.
   */
  #offer(watch: Watch, live: Live): void {
    const { epoch, event } = live;
    if (watch.epoch !== epoch) {
      // A new history (the broker lost its data): seqs start over.
      const lost = watch.epoch !== undefined;
      if (lost) {
        watch.lastSeq = 0;
        watch.floor = 0;
      }
      watch.epoch = epoch;
      if (lost) this.#options.reset(event.topic);
    }
    if (event.seq <= watch.lastSeq) return;
    const expected = watch.lastSeq > 0 ? watch.lastSeq : watch.floor;
    if (expected !== undefined && event.seq > expected + 1) {
      watch.held = [live];
      void this.#fillGap(event.topic, watch, expected);
      return;
    }
    watch.lastSeq = event.seq;
    this.#options.deliver(event);
  }

  /** Reads the events after `from` from history, hands them on, then the live events held meanwhile. */
  async #fillGap(topic: string, watch: Watch, from: number): Promise<void> {
    const { logger, deliver } = this.#options;
    let missed: readonly CanonicalEvent[] = [];
    try {
      const read = await this.#options.history(topic, from);
      if (read.events === null || read.epoch !== watch.epoch) {
        logger?.error({ topic, after: from }, 'live events lost: history no longer holds them');
      } else {
        missed = read.events;
      }
    } catch (error) {
      logger?.error({ err: error, topic, after: from }, 'live events lost: history read failed');
    }
    const held = watch.held ?? [];
    watch.held = undefined;
    if (this.#watched.get(topic) !== watch) return;
    for (const event of missed) {
      if (event.seq <= watch.lastSeq) continue;
      watch.lastSeq = event.seq;
      deliver(event);
    }
    // What history could not give is lost: carry on from the first event held.
    const first = held[0];
    if (first && first.epoch === watch.epoch && first.event.seq > watch.lastSeq + 1) {
      watch.lastSeq = first.event.seq - 1;
    }
    for (let i = 0; i < held.length; i++) {
      const again = holding(watch);
      if (again) {
        // Another gap: the rest waits for it to be filled.
        again.push(...held.slice(i));
        return;
      }
      this.#offer(watch, held[i]!);
    }
  }
}

/** The events held for a watch (a call, so that the compiler does not keep an earlier narrowing). */
const holding = (watch: Watch): Live[] | undefined => watch.held;
