/**
 * Most client messages one connection may have waiting to be handled: while it is being authenticated,
 * or queued behind a reply that waits for the hub (a subscribe). Past it a message is refused as over
 * the rate limit, so that a client pipelining faster than it is served costs bounded memory.
 */
export const MAX_HELD_MESSAGES = 1000;
/** Most text (UTF-16 code units, about bytes) of those waiting messages together: 1 MiB. */
export const MAX_HELD_TEXT = 1024 * 1024;

/** What one connection's waiting messages hold: two numbers, checked before a message is kept. */
export class HeldMessages {
  #count = 0;
  #text = 0;

  /** Counts `text` as held and answers true, or answers false when it would exceed either bound. */
  hold(text: string): boolean {
    if (this.#count >= MAX_HELD_MESSAGES || this.#text + text.length > MAX_HELD_TEXT) return false;
    this.#count++;
    this.#text += text.length;
    return true;
  }

  /** `text`, held before, is handled (or dropped) now. */
  release(text: string): void {
    this.#count--;
    this.#text -= text.length;
  }
}
