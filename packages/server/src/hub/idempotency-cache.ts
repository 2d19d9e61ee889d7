interface Entry {
  readonly topic: string;
  readonly seq: number;
  readonly at: number;
}

/** Remembers which idempotency keys were published, for a window, with a bounded number of keys. */
export class IdempotencyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #windowMs: number;
  readonly #maxKeys: number;

  constructor(windowMs: number, maxKeys = 100_000) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  get(key: string, now = Date.now()): { topic: string; seq: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry || now - entry.at > this.#windowMs) return undefined;
    return { topic: entry.topic, seq: entry.seq };
  }

  set(key: string, value: { topic: string; seq: number }, now = Date.now()): void {
    this.#entries.delete(key); // re-insert at the end, so that the map stays in time order
    this.#entries.set(key, { ...value, at: now });
    if (this.#entries.size > this.#maxKeys) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  sweep(now = Date.now()): void {
    for (const [key, entry] of this.#entries) {
      if (now - entry.at <= this.#windowMs) break;
      this.#entries.delete(key);
    }
  }
}
