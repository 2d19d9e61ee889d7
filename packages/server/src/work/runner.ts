import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Pipeline, Pipelines, PipelineContext } from './work-job.js';
import type { WorkService } from './work-service.js';
import { WorkEvent } from './work-job.js';
import { outcomeOf, type WorkOutcome } from './work-outcome.js';

export interface RunnerOptions {
  /** Jobs run at once (`WORK_CONCURRENCY`). @default 2 */
  readonly concurrency?: number;
  /** How often queued jobs are looked for besides being woken. @default 1000 */
  readonly pollMs?: number;
  /** How long `stop()` waits for running jobs after aborting them. @default 5000 */
  readonly stopTimeoutMs?: number;
  readonly logger?: Logger;
}

/** What `/api/v1/stats` shows of the runner. */
export interface WorkerHealth {
  readonly alive: number;
  readonly concurrency: number;
  readonly running: number;
}

/**
 * The embedded runner: claims due queued jobs (at most `concurrency` at once), runs the pipeline of
 * their kind and records how they ended. Woken at once when work is queued in this process, and by a
 * poll for the rest (retries whose backoff ended, work queued elsewhere).
 */
export class WorkRunner {
  readonly #work: WorkService;
  readonly #store: Store;
  readonly #pipelines: Map<string, Pipeline>;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #stopTimeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;
  #filling: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  /** Started by `startDriven`: jobs come through `runById` only. */
  #external = false;

  constructor(work: WorkService, store: Store, pipelines: Pipelines, options: RunnerOptions = {}) {
    this.#work = work;
    this.#store = store;
    this.#pipelines = new Map(Object.entries(pipelines).filter((e): e is [string, Pipeline] => !!e[1]));
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
    this.#pollMs = options.pollMs ?? 1000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.#logger = options.logger;
  }

  /** Registers (or replaces) the pipeline of a kind. */
  register(kind: string, pipeline: Pipeline): void {
    this.#pipelines.set(kind, pipeline);
    this.wake();
  }

  health(): WorkerHealth {
    return { alive: this.#stopped ? 0 : 1, concurrency: this.#concurrency, running: this.#running.size };
  }

  /**
   * The embedded queue: requeues what a dead process left running, then claims due jobs from the store
   * itself (woken, and by a poll).
   */
  start(): Promise<void> {
    return this.#start(false);
  }

  /**
   * Driven by an outside queue (BullMQ workers): jobs are handed to `runById`, which decides what runs
   * and when; the runner neither claims nor recovers, and hands unfinished work back when it stops.
   */
  startDriven(): Promise<void> {
    return this.#start(true);
  }

  async #start(external: boolean): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#external = external;
    if (!this.#external) {
      const recovered = await this.#work.recoverInterrupted();
      if (recovered > 0) this.#logger?.info({ recovered }, 'work interrupted by a stop queued again');
    }
    // A cancellation in this process aborts its job at once; one made by any other process (a node,
    // for a job running on a worker) is found by looking at the running jobs' status each poll.
    this.#unlisten = this.#work.onChange((type, job) => {
      if (type === WorkEvent.cancelled) this.#running.get(job.id)?.abort.abort();
      else if (job.status === 'queued') this.wake();
    });
    this.#timer = setInterval(() => {
      this.wake();
      void this.#abortCancelled();
    }, this.#pollMs);
    this.#timer.unref();
    this.wake();
  }

  /**
   * (Driven) Claims the queued job `id`, runs it and resolves when it has ended. `redelivered`:
   * the queue hands it out again because the worker that had it stopped answering, so a job the store
   * still calls running was interrupted: it is queued again as a retry (and handed out anew).
   */
  async runById(id: string, redelivered = false): Promise<void> {
    if (this.#stopped || this.#running.has(id)) return;
    const job = await this.#work.start(id);
    if (!job) {
      if (redelivered) await this.#work.recoverOne(id).catch(() => undefined);
      return;
    }
    this.#run(job);
    await this.#running.get(id)?.done;
  }

  async #abortCancelled(): Promise<void> {
    if (this.#running.size === 0) return;
    try {
      for (const id of await this.#work.cancelledAmong([...this.#running.keys()])) {
        this.#running.get(id)?.abort.abort();
      }
    } catch (error) {
      this.#logger?.warn({ err: error }, 'could not check running work for cancellations');
    }
  }

  /** Looks for work now (coalesced: one look at a time, one more if woken meanwhile). */
  wake(): void {
    if (this.#stopped || this.#external) return;
    if (this.#filling) {
      this.#again = true;
      return;
    }
    this.#filling = this.#fill()
      .catch((error: unknown) => this.#logger?.error({ err: error }, 'claiming work failed'))
      .finally(() => {
        this.#filling = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /**
   * Stops claiming, aborts running jobs and waits for them (at most `stopTimeoutMs`). A job still
   * running then stays `running` in the store, and the next start queues it again.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#backoffTimer);
    this.#unlisten?.();
    await this.#filling;
    const done = [...this.#running.values()].map((r) => r.done);
    for (const run of this.#running.values()) run.abort.abort();
    const timeout = new Promise((resolve) => setTimeout(resolve, this.#stopTimeoutMs).unref());
    await Promise.race([Promise.all(done), timeout]);
  }

  async #fill(): Promise<void> {
    // Only kinds with a pipeline are claimed: others wait for theirs to be registered.
    const kinds = [...this.#pipelines.keys()];
    while (!this.#stopped && this.#running.size < this.#concurrency) {
      const ids = await this.#work.due(kinds, this.#concurrency * 2 + this.#running.size);
      let claimed = false;
      for (const id of ids) {
        if (this.#stopped || this.#running.size >= this.#concurrency) return;
        if (this.#running.has(id)) continue;
        const job = await this.#work.start(id);
        if (!job) continue; // another runner took it, or it was cancelled meanwhile
        claimed = true;
        this.#run(job);
      }
      if (!claimed) return this.#wakeForBackoff(kinds);
    }
  }

  #run(job: NonNullable<Awaited<ReturnType<WorkService['start']>>>): void {
    const abort = new AbortController();
    const run = { abort, done: Promise.resolve() };
    this.#running.set(job.id, run);
    run.done = this.#execute(job, abort.signal)
      .then(async () => {
        // A worker that stops hands its unfinished work back at once (as a retry); the embedded runner
        // leaves it running for its own next start.
        if (this.#external && this.#stopped) await this.#work.recoverOne(job.id).catch(() => undefined);
      })
      .finally(() => {
        this.#running.delete(job.id);
        this.wake();
      });
  }

  async #execute(
    job: NonNullable<Awaited<ReturnType<WorkService['start']>>>,
    signal: AbortSignal,
  ): Promise<void> {
    const pipeline = this.#pipelines.get(job.kind);
    const ctx: PipelineContext = {
      signal,
      progress: async (phase, percent) => {
        signal.throwIfAborted();
        await this.#work.progress(job.id, phase, percent);
      },
      emit: (topic, type, data) => this.#store.transaction((tx) => tx.emit({ topic, type, data })),
    };
    const outcome = await this.#attempt(job, pipeline, ctx);
    switch (outcome.kind) {
      case 'completed':
      case 'aborted':
      case 'cancelled':
        return;
      case 'failed':
        this.#logger?.warn({ err: outcome.error, work: job.id, kind: job.kind }, 'work attempt failed');
        await this.#work.fail(job.id, outcome.error).catch((failure: unknown) => {
          this.#logger?.error({ err: failure, work: job.id }, 'recording a failed attempt failed');
        });
    }
  }

  /** Runs one attempt and records its completion; how it ended, as an outcome (it never throws). */
  async #attempt(
    job: NonNullable<Awaited<ReturnType<WorkService['start']>>>,
    pipeline: Pipeline | undefined,
    ctx: PipelineContext,
  ): Promise<WorkOutcome> {
    try {
      if (!pipeline) throw new Error(`no pipeline for work of kind ${job.kind}`); // unregistered since
      const result = await pipeline(job, ctx);
      ctx.signal.throwIfAborted();
      await this.#work.complete(job.id, result);
      return { kind: 'completed', result };
    } catch (error) {
      return outcomeOf(error, ctx.signal);
    }
  }

  /** Wakes when the next backoff ends, where that is sooner than the next poll. */
  async #wakeForBackoff(kinds: string[]): Promise<void> {
    const next = await this.#work.nextDueAt(kinds);
    if (next === undefined || this.#stopped) return;
    const delay = Math.max(0, next - Date.now());
    if (delay >= this.#pollMs) return;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = setTimeout(() => this.wake(), delay + 1);
    this.#backoffTimer.unref();
  }
}
