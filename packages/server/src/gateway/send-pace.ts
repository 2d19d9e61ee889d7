import type { Transport } from './transport.js';

/** What a pace needs of its connection. */
export interface PacedQueue {
  /** Bytes queued and not yet written to the transport. */
  queued(): number;
  /** Writes the queue out soon (the connection's next flush). */
  flushSoon(): void;
}

/**
 * The waiting side of a connection's paced catch-up (replays): a replay that may not queue more waits
 * here until the connection's queue is written out and its socket has drained. The connection says
 * when it is ready (its queue is shorter than a chunk, its socket not congested) and makes this only
 * when a replay first has to wait, so that an idle connection holds none of it.
 */
export class SendPace {
  readonly #transport: Transport;
  readonly #queue: PacedQueue;
  #waiters: (() => void)[] = [];
  #armed = false;

  constructor(transport: Transport, queue: PacedQueue) {
    this.#transport = transport;
    this.#queue = queue;
  }

  wait(resume: () => void): void {
    this.#waiters.push(resume);
    // A full queue is written first (then `written` sees to the rest); else the socket is congested.
    if (this.#queue.queued() > 0) this.#queue.flushSoon();
    else this.#arm();
  }

  /** The connection wrote its queue out: waiters resume now, or when the socket drains. */
  written(): void {
    if (this.#waiters.length > 0) this.#arm();
  }

  /** The connection is gone: waiters resume at once, to find it closed. */
  dispose(): void {
    this.#wake();
  }

  #arm(): void {
    if (this.#armed) return;
    if (!this.#transport.congested()) {
      this.#wake();
      return;
    }
    this.#armed = true;
    this.#transport.onDrain(() => {
      this.#armed = false;
      this.#wake();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resume of waiters) resume();
  }
}
