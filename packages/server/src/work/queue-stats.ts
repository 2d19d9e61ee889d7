import { topics, type QueueStats } from '@jobstream/protocol';
import type { PublishInput } from '../hub/broker.js';
import type { Logger } from '../logger.js';
import { QUEUE_STATS_EVENT } from './work-job.js';
import type { WorkService } from './work-service.js';

export interface QueueStatsOptions {
  /** Least time between two `queue.stats` events. @default 1000 */
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

/**
 * Publishes `queue.stats` on `queue` at most once per interval, and only when the statistics changed.
 * They are derived from committed state, so they go to the hub directly rather than through the outbox:
 * a lost one is replaced by the next. Work changes mark them stale (`touch`, called for every relayed
 * `work.*` event, whichever process made it); while jobs completed within the last minute, they are
 * also looked at each interval, because the throughput decays with time alone.
 */
export class QueueStatsPublisher {
  readonly #work: WorkService;
  readonly #publish: (input: PublishInput) => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #logger: Logger | undefined;
  #last: string | undefined;
  #lastTickAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #started = false;

  constructor(
    work: WorkService,
    publish: (input: PublishInput) => Promise<unknown>,
    options: QueueStatsOptions = {},
  ) {
    this.#work = work;
    this.#publish = publish;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#logger = options.logger;
  }

  /** Takes the current statistics as the baseline (not published) and starts taking `touch`es. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#last = JSON.stringify(await this.#work.stats());
    this.#lastTickAt = Date.now();
  }

  /** Work changed somewhere (another process, say): the statistics are looked at again soon. */
  touch(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  #schedule(): void {
    if (this.#timer !== undefined || !this.#started) return;
    const delay = Math.max(0, this.#lastTickAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => (this.#ticking = undefined));
    }, delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    // The timer has fired: a change from here on schedules the next look (an interval later).
    this.#timer = undefined;
    this.#lastTickAt = Date.now();
    let stats: QueueStats | undefined;
    try {
      stats = await this.#work.stats();
      const text = JSON.stringify(stats);
      if (text !== this.#last) {
        this.#last = text;
        await this.#publish({ topic: topics.queue, type: QUEUE_STATS_EVENT, data: stats });
      }
    } catch (error) {
      this.#logger?.warn({ err: error }, 'queue statistics not published');
    }
    if (stats !== undefined && stats.throughput_per_min > 0) this.#schedule();
  }
}
