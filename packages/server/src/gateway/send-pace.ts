import type { Pace } from '../hub/subscription.js';
import type { Transport } from './transport.js';

/** What a pace needs of its connection. */
export interface PacedQueue {
  /** Bytes queued and not yet written to the transport. */
  queued(): number;
  /** Writes the queue out soon (the connection's next flush). */
  flushSoon(): void;
  /** Set while catch-up is being queued, so that the connection counts it apart from live frames. */
  replaying(on: boolean): void;
}

/**
 * Paces a connection's catch-up (replays): more is queued only while its queue is shorter than a
 * chunk and its socket is not congested, and a waiting replay resumes once the socket has drained. A
 * replay of any size so passes through the send buffer a chunk at a time, as fast as the client reads.
 */
export class SendPace implements Pace {
  readonly #transport: Transport;
  readonly #queue: PacedQueue;
  readonly #chunkBytes: number;
  #waiters: (() => void)[] = [];
  #armed = false;

  constructor(transport: Transport, queue: PacedQueue, chunkBytes: number) {
    this.#transport = transport;
    this.#queue = queue;
    this.#chunkBytes = chunkBytes;
  }

  ready(): boolean {
    return this.#queue.queued() < this.#chunkBytes && !this.#transport.congested();
  }

  wait(resume: () => void): void {
    this.#waiters.push(resume);
    // A full queue is written first (then `written` sees to the rest); else the socket is congested.
    if (this.#queue.queued() > 0) this.#queue.flushSoon();
    else this.#arm();
  }

  replaying(on: boolean): void {
    this.#queue.replaying(on);
  }

  /** Resolves once more can be queued: the promise form of `wait`, for replays read elsewhere. */
  whenReady(): Promise<void> {
    return this.ready() ? Promise.resolve() : new Promise((resolve) => this.wait(resolve));
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
