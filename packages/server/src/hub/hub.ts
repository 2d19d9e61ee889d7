import type { CanonicalEvent } from '@jobstream/protocol';
import type { Broker, PublishInput, PublishOutcome } from './broker.js';
import { HubEvent } from './hub-event.js';
import { Subscription, type EventSink, type Pace, type PageReader } from './subscription.js';
import { typeMatcher } from './type-filter.js';

export interface SubscribeOptions {
  /** Replay every event after this seq before going live. */
  readonly since?: number | undefined;
  /** The epoch `since` belongs to; another epoch means nothing can be replayed. */
  readonly epoch?: string | undefined;
  /** Event types to deliver: exact names or prefixes ending in `.`. */
  readonly types?: readonly string[] | undefined;
  /**
   * Called when the topic's history is lost while subscribed (a new epoch: seqs start over), so that
   * the subscriber can resume and be told `recovered: false`. Without it the subscription carries on.
   */
  readonly onReset?: (() => void) | undefined;
  /**
   * Paces the replay: it is handed over as the subscriber takes it, so that a replay of any size
   * fits through a bounded send buffer. Without it, the replay comes as fast as history is read.
   */
  readonly pace?: Pace | undefined;
  /**
   * Called when the subscriber cannot be caught up in order (more live events arrived during its
   * replay than it may hold, or history was trimmed under it); it is unsubscribed, and should resume.
   */
  readonly onBehind?: (() => void) | undefined;
}

export interface HubOptions {
  /** Most live events one subscription holds while it catches up. @default 1000 */
  readonly holdLimit?: number;
  /** Events per history read of a replay. @default 100 */
  readonly pageEvents?: number;
}

export interface SubscribeResult {
  readonly subscription: Subscription;
  /** The topic's latest seq when the subscription was made. */
  readonly seq: number;
  readonly epoch: string;
  /** true when `since` was given and every event after it is replayed. */
  readonly recovered: boolean;
  /** Delivers the replay and the events held meanwhile, then goes live. Call after announcing it. */
  readonly start: () => void;
}

/** A topic with subscribers on this node (the admin view). */
export interface TopicSnapshot {
  readonly topic: string;
  readonly subscribers: number;
  /** The topic's latest seq, as its broker has it. */
  readonly lastSeq: number;
}

export interface HubStats {
  readonly localTopics: number;
  readonly subscriptions: number;
  readonly published: number;
  readonly delivered: number;
}

/**
 * Orders events per topic (through the broker) and fans them out to local subscriptions.
 * Knows nothing of connections or wire formats.
 */
export class Hub {
  readonly #broker: Broker;
  readonly #holdLimit: number;
  readonly #pageEvents: number;
  readonly #topics = new Map<string, Set<Subscription>>();
  /** Resolves once the broker delivers the topic's live events here; shared by concurrent subscribers. */
  readonly #watching = new Map<string, Promise<void>>();
  #subscriptions = 0;
  #published = 0;
  #delivered = 0;

  constructor(broker: Broker, options: HubOptions = {}) {
    this.#broker = broker;
    this.#holdLimit = options.holdLimit ?? 1000;
    this.#pageEvents = options.pageEvents ?? 100;
    broker.setListener((event) => this.#dispatch(event));
    broker.setResetListener?.((topic) => {
      for (const sub of [...(this.#topics.get(topic) ?? [])]) sub.reset();
    });
  }

  async publish(input: PublishInput): Promise<PublishOutcome> {
    const outcome = await this.#broker.publish(input);
    if (!outcome.duplicate) this.#published++;
    return outcome;
  }

  /** How many subscriptions `topic` has on this node: 0 when nobody here reads it. */
  localSubscribers(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  /** Whether anyone reads `topic` now: a subscriber on this node or, through the broker, on another. */
  async readAnywhere(topic: string): Promise<boolean> {
    if (this.localSubscribers(topic) > 0) return true;
    return (await this.#broker.watchedAnywhere?.(topic)) ?? false;
  }

  /**
   * Subscribes `sink` to `topic`. Live events are held from this call on, history is read (its first
   * page), and `start()` on the result hands over replay then live events with no gap and no duplicate.
   */
  async subscribe(topic: string, sink: EventSink, options: SubscribeOptions = {}): Promise<SubscribeResult> {
    // No closure of the subscription's own: one here would keep this call's state (the options, the
    // first history page) alive for as long as it is subscribed.
    const subscription = new Subscription(topic, sink, {
      filter: typeMatcher(options.types),
      onReset: options.onReset,
      pace: options.pace,
      holdLimit: this.#holdLimit,
      owner: this,
      onBehind: options.onBehind,
    });
    let subs = this.#topics.get(topic);
    if (!subs) {
      subs = new Set();
      this.#topics.set(topic, subs);
      this.#watching.set(topic, this.#broker.watch(topic));
    }
    subs.add(subscription);
    this.#subscriptions++;
    try {
      await this.#watching.get(topic);
      const { since, epoch: clientEpoch } = options;
      const pageEvents = this.#pageEvents;
      const read = await this.#broker.history(topic, since, pageEvents);
      const epochOk = clientEpoch === undefined || clientEpoch === read.epoch;
      const recovered = since !== undefined && epochOk && read.events !== null;
      const replay = recovered ? (read.events ?? []) : [];
      const fromSeq = recovered ? (since ?? 0) : read.seq;
      // A full page short of the latest seq: more follows, read as the replay reaches it.
      const more = (events: readonly CanonicalEvent[], seq: number): boolean =>
        events.length === pageEvents && (events.at(-1)?.seq ?? seq) < seq;
      const next: PageReader = async (after) => {
        const page = await this.#broker.history(topic, after, pageEvents);
        if (page.events === null || page.epoch !== read.epoch) return null;
        return { events: page.events, more: more(page.events, page.seq) };
      };
      return {
        subscription,
        seq: read.seq,
        epoch: read.epoch,
        recovered,
        start: () => subscription.start(fromSeq, replay, more(replay, read.seq) ? next : undefined),
      };
    } catch (error) {
      this.unsubscribe(subscription);
      throw error;
    }
  }

  unsubscribe(subscription: Subscription): void {
    if (subscription.closed) return;
    subscription.close();
    const subs = this.#topics.get(subscription.topic);
    if (!subs?.delete(subscription)) return;
    this.#subscriptions--;
    if (subs.size === 0) {
      this.#topics.delete(subscription.topic);
      this.#watching.delete(subscription.topic);
      this.#broker.unwatch(subscription.topic);
    }
  }

  stats(): HubStats {
    return {
      localTopics: this.#topics.size,
      subscriptions: this.#subscriptions,
      published: this.#published,
      delivered: this.#delivered,
    };
  }

  /**
   * The `limit` topics with the most subscribers on this node, most first, and how many there are; each
   * topic's last seq is the broker's (asked for those listed only, so the fan-out keeps no copy of it).
   */
  async topics(limit: number): Promise<{ total: number; top: TopicSnapshot[] }> {
    const counted = [...this.#topics].map(([topic, subs]) => ({ topic, subscribers: subs.size }));
    counted.sort((a, b) => b.subscribers - a.subscribers || (a.topic < b.topic ? -1 : 1));
    const top = await Promise.all(
      counted.slice(0, Math.max(0, limit)).map(async (entry) => {
        const read = await this.#broker.history(entry.topic, undefined);
        return { ...entry, lastSeq: read.seq };
      }),
    );
    return { total: counted.length, top };
  }

  #dispatch(event: CanonicalEvent): void {
    const subs = this.#topics.get(event.topic);
    if (!subs) return;
    const hubEvent = new HubEvent(event, subs.size);
    this.#delivered += subs.size;
    for (const sub of subs) sub.offer(hubEvent);
  }
}
