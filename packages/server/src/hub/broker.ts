import type { CanonicalEvent } from '@jobstream/protocol';

/** What a publisher hands the broker. */
export interface PublishInput {
  readonly topic: string;
  readonly type: string;
  readonly data: unknown;
  /** The same key within the idempotency window publishes once. */
  readonly idempotencyKey?: string | undefined;
}

export interface PublishOutcome {
  readonly topic: string;
  readonly seq: number;
  /** true when the idempotency key was seen before: nothing was published, `seq` is the first one's. */
  readonly duplicate: boolean;
}

/** What a topic's history holds after a given seq. */
export interface HistoryRead {
  /** Changes whenever the topic's history is lost; a seq is meaningful only with its epoch. */
  readonly epoch: string;
  /** The topic's latest seq (0 when nothing was ever published in this epoch). */
  readonly seq: number;
  /**
   * Every event with seq > `since`, in order, or null when history no longer reaches back that far
   * (or `since` is beyond `seq`). Empty when `since` was not given. A read with a `limit` holds at most
   * that many, the oldest first: a page, whose last seq is where the next page starts.
   */
  readonly events: readonly CanonicalEvent[] | null;
}

/** How a broker's connection fares, for metrics (a broker with no connection of its own has none). */
export interface BrokerHealth {
  /** Errors its connections reported. */
  readonly errors: number;
  /** Times a connection was made again after it was lost. */
  readonly reconnects: number;
}

export interface BrokerStats {
  /** Topics that hold state (a sequence, history or watchers) on this broker. */
  readonly topics: number;
  /** Events held in history across all topics. */
  readonly historyEvents: number;
}

/**
 * The broker orders events per topic and keeps their bounded history; every node of a cluster shares it.
 *
 * Contract:
 * - `publish` assigns the topic's next seq (1, 2, 3… with no gaps within an epoch), stamps `ts`,
 *   appends the event to history (trimmed by count and age), and delivers it to the listener of every
 *   node that watches the topic, in seq order per topic. It resolves after the event is in history.
 * - `history(topic, since, limit?)` never returns a partial replay: all events after `since` (or the
 *   first `limit` of them, every one of them there), or null.
 * - After `watch(topic)` resolves, every event published to the topic reaches the listener. Events of
 *   topics nobody on this node watches may reach it too (the embedded broker hands over all); the hub
 *   drops them.
 *   A topic that nobody watches and whose history is empty holds no memory.
 */
export interface Broker {
  publish(input: PublishInput): Promise<PublishOutcome>;
  history(topic: string, since: number | undefined, limit?: number): Promise<HistoryRead>;
  /** Sets the one listener of live events on this node. */
  setListener(listener: (event: CanonicalEvent) => void): void;
  /**
   * Sets the one listener told when a watched topic's history was lost while it was watched (a new
   * epoch: a flushed Redis), before the new epoch's first event; seqs start over after it.
   */
  setResetListener?(listener: (topic: string) => void): void;
  watch(topic: string): Promise<void>;
  unwatch(topic: string): void;
  stats(): BrokerStats;
  /** Counts of its connections' errors and reconnects; absent when it has no connection to lose. */
  health?(): BrokerHealth;
  /**
   * Resolves when the broker answers within `timeoutMs` (Redis: PING), rejects when it does not or is
   * not connected; absent when it is always there (the embedded broker). Readiness asks it.
   */
  ping?(timeoutMs: number): Promise<void>;
  /**
   * Whether any node of the cluster watches `topic` now (Redis: PUBSUB NUMSUB of its channel); absent
   * when this node is the only one (the embedded broker).
   */
  watchedAnywhere?(topic: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface HistoryLimits {
  /** Events kept per topic. @default 1000 */
  readonly maxEvents: number;
  /** How long an event stays in history, in ms. @default 3_600_000 */
  readonly maxAgeMs: number;
}
