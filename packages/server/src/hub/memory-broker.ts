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

/** The embedded broker: one process, history in memory. Its epochs change on every restart. */
export class MemoryBroker implements Broker {
  readonly #topics = new Map<string, TopicState>();
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
    const state = this.#topics.get(topic);
    const epoch = state?.epoch ?? this.#state(topic).epoch;
    const seq = state?.seq ?? 0;
    if (since === undefined) return Promise.resolve({ epoch, seq, events: [] });
    if (since > seq) return Promise.resolve({ epoch, seq, events: null });
    const held = state ? state.history.length - state.head : 0;
    const oldest = seq - held + 1;
    if (since + 1 < oldest) return Promise.resolve({ epoch, seq, events: null });
    const from = state ? state.head + (since + 1 - oldest) : 0;
    const events = state ? state.history.slice(from, limit === undefined ? undefined : from + limit) : [];
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
      state = { epoch: newEpoch(), seq: 0, watchers: 0, history: [], head: 0, times: [] };
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
    if (state.watchers === 0 && state.history.length === state.head) this.#topics.delete(topic);
  }
}
