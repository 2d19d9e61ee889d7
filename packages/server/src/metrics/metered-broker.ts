import type { CanonicalEvent } from '@jobstream/protocol';
import type {
  Broker,
  BrokerHealth,
  BrokerStats,
  HistoryRead,
  PublishInput,
  PublishOutcome,
} from '../hub/broker.js';

const noHealth: BrokerHealth = { errors: 0, reconnects: 0 };

/**
 * The broker the hub is given, measuring how long an event takes from its publish (its `ts`, stamped
 * by the broker) to its frames being handed to the sockets of this node: the hub fans a live event out
 * synchronously inside the listener, each connection queues its frame, and the flush scheduler writes
 * them in the next turn; so the time is taken in a turn after the listener returned, once for every
 * event that arrived in the turn. Only events of topics watched here (with local subscribers) count.
 */
export class MeteredBroker implements Broker {
  readonly #inner: Broker;
  readonly #observe: (seconds: number) => void;
  readonly #watched = new Map<string, number>();
  #arrived: number[] = [];
  #scheduled = false;

  /** @param observe told each event's publish-to-write time, in seconds */
  constructor(inner: Broker, observe: (seconds: number) => void) {
    this.#inner = inner;
    this.#observe = observe;
  }

  publish(input: PublishInput): Promise<PublishOutcome> {
    return this.#inner.publish(input);
  }

  history(topic: string, since: number | undefined, limit?: number): Promise<HistoryRead> {
    return this.#inner.history(topic, since, limit);
  }

  setListener(listener: (event: CanonicalEvent) => void): void {
    this.#inner.setListener((event) => {
      listener(event);
      if (this.#watched.has(event.topic)) this.#arrive(event.ts);
    });
  }

  setResetListener(listener: (topic: string) => void): void {
    this.#inner.setResetListener?.(listener);
  }

  watch(topic: string): Promise<void> {
    this.#watched.set(topic, (this.#watched.get(topic) ?? 0) + 1);
    return this.#inner.watch(topic);
  }

  unwatch(topic: string): void {
    const count = (this.#watched.get(topic) ?? 1) - 1;
    if (count > 0) this.#watched.set(topic, count);
    else this.#watched.delete(topic);
    this.#inner.unwatch(topic);
  }

  stats(): BrokerStats {
    return this.#inner.stats();
  }

  health(): BrokerHealth {
    return this.#inner.health?.() ?? noHealth;
  }

  async watchedAnywhere(topic: string): Promise<boolean> {
    // The embedded broker has no other node: nobody elsewhere watches anything.
    return (await this.#inner.watchedAnywhere?.(topic)) ?? false;
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.#inner.ping?.(timeoutMs);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #arrive(ts: string): void {
    this.#arrived.push(Date.parse(ts));
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Queued after the flush scheduler's turn, which the fan-out has just asked for.
    setImmediate(() => {
      this.#scheduled = false;
      const now = Date.now();
      const arrived = this.#arrived;
      this.#arrived = [];
      for (const at of arrived) this.#observe(Math.max(0, now - at) / 1000);
    });
  }
}
