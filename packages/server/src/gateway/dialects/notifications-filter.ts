/**
 * Most notification types one connection may name, subscribed and unsubscribed together. A client may
 * name any string (a notification's own `notification_type` is free), so without a bound a client
 * could grow its filter forever; a hundred is many times the types this endpoint sends.
 */
export const MAX_NOTIFICATION_TYPES = 100;

/**
 * Which notification types one connection wants. It starts out wanting everything it may see;
 * `subscribe` narrows it to the types named (and widens it on later calls), `unsubscribe` drops types.
 * The original only joined extra groups; here the choice really filters what is delivered.
 */
export class NotificationTypeFilter {
  /** null: every type, except those dropped. */
  #included: Set<string> | null = null;
  readonly #excluded = new Set<string>();

  /** Adds `types`; false, and nothing changed, when that would name more than MAX_NOTIFICATION_TYPES. */
  subscribe(types: readonly string[]): boolean {
    if (!this.#fits(types)) return false;
    this.#included ??= new Set();
    for (const type of types) {
      this.#included.add(type);
      this.#excluded.delete(type);
    }
    return true;
  }

  /** Drops `types`; false, and nothing changed, when that would name more than MAX_NOTIFICATION_TYPES. */
  unsubscribe(types: readonly string[]): boolean {
    if (!this.#fits(types)) return false;
    for (const type of types) {
      this.#included?.delete(type);
      this.#excluded.add(type);
    }
    return true;
  }

  /**
   * Whether a message is wanted: `type` is its type, and for a generic `notification` `subtype` is its
   * `notification_type`, so that a client may pick `success` or `system` notifications too. Called for
   * every event each connection receives, so it allocates nothing.
   */
  wants(type: string, subtype?: string): boolean {
    const excluded = this.#excluded;
    if (excluded.size > 0 && (excluded.has(type) || (subtype !== undefined && excluded.has(subtype))))
      return false;
    const included = this.#included;
    return included === null || included.has(type) || (subtype !== undefined && included.has(subtype));
  }

  /** Whether naming `types` keeps the filter within its bound (a type is in one of the two sets at most). */
  #fits(types: readonly string[]): boolean {
    const named = (this.#included?.size ?? 0) + this.#excluded.size;
    const fresh = new Set(types.filter((t) => this.#included?.has(t) !== true && !this.#excluded.has(t)));
    return named + fresh.size <= MAX_NOTIFICATION_TYPES;
  }
}
