import type { Logger } from '../logger.js';

/** One thing the scheduler does on every tick (queue due scrapes, send due reminders…). */
export type ScheduledTask = (at: number) => Promise<unknown>;

/**
 * Runs its tasks every `tickMs`, one tick at a time (a slow tick delays the next, never overlaps it).
 * Each task must be safe to run on several nodes at once and again after a restart: the tasks claim
 * what they do in the store, so the scheduler itself keeps no state.
 */
export class Scheduler {
  readonly #tasks: readonly { name: string; run: ScheduledTask }[];
  readonly #tickMs: number;
  readonly #logger: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    tasks: readonly { name: string; run: ScheduledTask }[],
    options: { tickMs: number; logger?: Logger },
  ) {
    this.#tasks = tasks;
    this.#tickMs = options.tickMs;
    this.#logger = options.logger;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops ticking; resolves after the tick under way, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Runs every task once, now (tests, and `start`). */
  async tick(at = Date.now()): Promise<void> {
    for (const task of this.#tasks) {
      try {
        await task.run(at);
      } catch (error) {
        this.#logger?.error({ err: error, task: task.name }, 'scheduled task failed; tried again next tick');
      }
    }
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#running = this.tick().finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule(this.#tickMs);
      });
    }, delay);
    this.#timer.unref();
  }
}
