/**
 * Which notification types one connection wants. It starts out wanting everything it may see;
 * `subscribe` narrows it to the types named (and widens it on later calls), `unsubscribe` drops types.
 * The original only joined extra groups; here the choice really filters what is delivered.
 */
export class NotificationTypeFilter {
  /** null: every type, except those dropped. */
  #included: Set<string> | null = null;
  readonly #excluded = new Set<string>();

  subscribe(types: readonly string[]): void {
    this.#included ??= new Set();
    for (const type of types) {
      this.#included.add(type);
      this.#excluded.delete(type);
    }
  }

  unsubscribe(types: readonly string[]): void {
    for (const type of types) {
      this.#included?.delete(type);
      this.#excluded.add(type);
    }
  }

  /**
   * Whether a message is wanted. `keys` names it: its type, and for a generic `notification` also its
   * `notification_type`, so that a client may pick `success` or `system` notifications too.
   */
  wants(keys: readonly string[]): boolean {
    if (keys.some((key) => this.#excluded.has(key))) return false;
    return this.#included === null || keys.some((key) => this.#included?.has(key) === true);
  }
}
