/** Something with queued frames to write in one go. */
export interface Flushable {
  /** 0: not queued; 1: in the bulk queue; 2: in the urgent queue (and maybe the bulk one too). */
  flushState: number;
  /** The scheduler's turn in which it last wrote at once (see `FlushScheduler.writeNow`). */
  wroteInTurn: number;
  flush(): void;
}

/**
 * Coalesces each connection's pending frames into one write per turn of the event loop.
 *
 * Writes are the expensive part of fan-out (a syscall each), so they are batched per connection and
 * done in a setImmediate after the current I/O phase. A connection with nothing queued may instead
 * write a small fan-out's frame at once, once per turn (`writeNow`): a lone event then leaves as it
 * arrives, while a burst to the same connection in the same turn still goes out in one write. A
 * broadcast to many sockets is flushed in slices of at most `budgetMs`, yielding in between, so that no
 * turn of the event loop blocks for long; small fan-outs (a job's few watchers) are urgent and flushed
 * first in every slice, so that their latency does not wait behind a broadcast.
 */
export class FlushScheduler {
  readonly #budgetMs: number;
  #urgent: Flushable[] = [];
  #bulk: Flushable[] = [];
  #bulkHead = 0;
  #scheduled = false;
  /** Counts the scheduler's runs: a connection writes at once at most once between two runs. */
  #turn = 1;

  /** @param budgetMs longest slice of bulk flushing per turn. @default 1 */
  constructor(budgetMs = 1) {
    this.#budgetMs = budgetMs;
  }

  /**
   * true when `target` may write at once, this turn: it has not already done so since the last run.
   * A turn in which anything was written at once ends with a run, so that the next turn may too.
   */
  writeNow(target: Flushable): boolean {
    if (target.wroteInTurn === this.#turn) return false;
    target.wroteInTurn = this.#turn;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
    return true;
  }

  schedule(target: Flushable, urgent: boolean): void {
    if (urgent) {
      if (target.flushState === 2) return;
      target.flushState = 2;
      this.#urgent.push(target);
    } else {
      if (target.flushState !== 0) return;
      target.flushState = 1;
      this.#bulk.push(target);
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    this.#turn++;
    const urgent = this.#urgent;
    this.#urgent = [];
    for (const target of urgent) {
      target.flushState = 0;
      target.flush();
    }
    const deadline = performance.now() + this.#budgetMs;
    const bulk = this.#bulk;
    let i = this.#bulkHead;
    while (i < bulk.length) {
      const target = bulk[i++];
      if (target?.flushState === 1) {
        target.flushState = 0;
        target.flush();
      }
      if ((i & 31) === 0 && performance.now() > deadline) break;
    }
    if (i < bulk.length) {
      this.#bulkHead = i;
    } else {
      this.#bulk = [];
      this.#bulkHead = 0;
    }
    if ((this.#bulkHead < this.#bulk.length || this.#urgent.length > 0) && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  };
}
