import { randomBytes } from 'node:crypto';
import type { CanonicalEvent } from '@jobstream/protocol';
import type {
  Broker,
  BrokerStats,
  HistoryLimits,
  HistoryRead,
  PublishInput,
  PublishOutcome,
} from './broker.js';
import { encodeData } from './encode-data.js';
import { IdempotencyCache } from './idempotency-cache.js';

interface TopicState {
  readonly epoch: string;
  seq: number;
  watchers: number;
  /** Ring of the newest events; `head` is the index of the oldest. */
  history: CanonicalEvent[];
  head: number;
  /** Arrival time of each event, parallel to `history`, for age trimming. */
  times: number[];
}

const newEpoch = (): string => randomBytes(6).toString('base64url');

/** Idle topics whose numbering is remembered after their state is dropped (see `#retired`). */
const RETIRED_TOPICS = 50_000;

/**
 * The embedded broker: one process, history in memory. Its epochs change on every restart.
 *
 * A topic's state is dropped when nobody watches it and its history is empty, yet what a client was
 * told about it stays true: a topic that is made again starts in the broker's current epoch at seq 0
 * if it never had an event (so a reader told `seq 0` in that epoch, a long-poll between two polls, say,
 * loses nothing when the first event comes), and goes on from its last seq in its own epoch if it had
 * some (`#retired`, bounded; forgetting one moves the current epoch on, so a forgotten topic can never
 * come back under an epoch that promised its old numbering).
 */
export class MemoryBroker implements Broker {
  readonly #topics = new Map<string, TopicState>();
  /** Dropped topics that had events: their epoch and last seq, oldest first. */
  readonly #retired = new Map<string, { readonly epoch: string; readonly seq: number }>();
  #epoch = newEpoch();
  readonly #limits: HistoryLimits;
  readonly #idempotency: IdempotencyCache;
  readonly #sweeper: NodeJS.Timeout;
  #listener: (event: CanonicalEvent) => void = () => {};
  #historyEvents = 0;

  constructor(limits: HistoryLimits, idempotencyWindowMs = 5 * 60_000) {
    this.#limits = limits;
    this.#idempotency = new IdempotencyCache(idempotencyWindowMs);
    const every = Math.max(100, Math.min(60_000, Math.floor(limits.maxAgeMs / 4)));
    this.#sweeper = setInterval(() => this.sweep(), every);
    this.#sweeper.unref();
  }

  setListener(listener: (event: CanonicalEvent) => void): void {
    this.#listener = listener;
  }

  publish(input: PublishInput): Promise<PublishOutcome> {
    if (input.idempotencyKey !== undefined) {
      const first = this.#idempotency.get(input.idempotencyKey);
      if (first) return Promise.resolve({ ...first, duplicate: true });
    }
    try {
      encodeData(input.data); // refused before it takes a seq, never after it is in history
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const state = this.#state(input.topic);
    const seq = ++state.seq;
    const now = Date.now();
    const event: CanonicalEvent = {
      id: `${input.topic}@${seq}`,
      topic: input.topic,
      seq,
      type: input.type,
      ts: new Date(now).toISOString(),
      data: input.data,
    };
    this.#append(state, event, now);
    if (input.idempotencyKey !== undefined) {
      this.#idempotency.set(input.idempotencyKey, { topic: input.topic, seq });
    }
    this.#listener(event);
    return Promise.resolve({ topic: input.topic, seq, duplicate: false });
  }

  history(topic: string, since: number | undefined, limit?: number): Promise<HistoryRead> {
    const state = this.#state(topic); // an unknown topic's epoch and seq are those it will start with
    const { epoch, seq } = state;
    if (since === undefined) return Promise.resolve({ epoch, seq, events: [] });
    if (since > seq) return Promise.resolve({ epoch, seq, events: null });
    const held = state.history.length - state.head;
    const oldest = seq - held + 1;
    if (since + 1 < oldest) return Promise.resolve({ epoch, seq, events: null });
    const from = state.head + (since + 1 - oldest);
    const events = state.history.slice(from, limit === undefined ? undefined : from + limit);
    return Promise.resolve({ epoch, seq, events });
  }

  watch(topic: string): Promise<void> {
    this.#state(topic).watchers++;
    return Promise.resolve();
  }

  unwatch(topic: string): void {
    const state = this.#topics.get(topic);
    if (!state) return;
    state.watchers = Math.max(0, state.watchers - 1);
    this.#dropIfIdle(topic, state);
  }

  stats(): BrokerStats {
    return { topics: this.#topics.size, historyEvents: this.#historyEvents };
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#topics.clear();
    this.#retired.clear();
    this.#historyEvents = 0;
    return Promise.resolve();
  }

  /** Trims every topic's history by age and forgets idle topics. Runs on a timer. */
  sweep(now = Date.now()): void {
    for (const [topic, state] of this.#topics) {
      this.#trimByAge(state, now);
      this.#dropIfIdle(topic, state);
    }
    this.#idempotency.sweep(now);
  }

  #state(topic: string): TopicState {
    let state = this.#topics.get(topic);
    if (!state) {
      const retired = this.#retired.get(topic);
      if (retired) this.#retired.delete(topic);
      const { epoch, seq } = retired ?? { epoch: this.#epoch, seq: 0 };
      state = { epoch, seq, watchers: 0, history: [], head: 0, times: [] };
      this.#topics.set(topic, state);
    }
    return state;
  }

  #append(state: TopicState, event: CanonicalEvent, now: number): void {
    state.history.push(event);
    state.times.push(now);
    this.#historyEvents++;
    if (state.history.length - state.head > this.#limits.maxEvents) this.#dropOldest(state, 1);
    this.#trimByAge(state, now);
  }

  #trimByAge(state: TopicState, now: number): void {
    const cutoff = now - this.#limits.maxAgeMs;
    let n = 0;
    while (state.head + n < state.times.length && (state.times[state.head + n] ?? 0) < cutoff) n++;
    if (n > 0) this.#dropOldest(state, n);
  }

  #dropOldest(state: TopicState, n: number): void {
    state.head += n;
    this.#historyEvents -= n;
    // Compact once the dead prefix is as large as the live part: amortised O(1) per event.
    if (state.head >= 64 && state.head * 2 >= state.history.length) {
      state.history = state.history.slice(state.head);
      state.times = state.times.slice(state.head);
      state.head = 0;
    }
  }

  #dropIfIdle(topic: string, state: TopicState): void {
    if (state.watchers !== 0 || state.history.length !== state.head) return;
    this.#topics.delete(topic);
    if (state.seq === 0 && state.epoch === this.#epoch) return; // made again, it is the same
    this.#retired.set(topic, { epoch: state.epoch, seq: state.seq });
    if (this.#retired.size <= RETIRED_TOPICS) return;
    const oldest = this.#retired.keys().next();
    if (!oldest.done) this.#retired.delete(oldest.value);
    this.#epoch = newEpoch();
  }
}
