import { randomUUID } from 'node:crypto';
import { ErrorCode, topics, type WorkJob } from '@jobstream/protocol';
import { notFound, now } from '../domain/access.js';
import { AppError } from '../errors.js';
import type { Updateable } from 'kysely';
import type { WorkJobRow, WorkJobsTable, WorkKind, WorkStatus } from '../store/schema.js';
import type { Store, Tx } from '../store/store.js';
import {
  errorMessage,
  payloadOf,
  sharedWorkView,
  toWorkJob,
  WorkEvent,
  type WorkEventType,
} from './work-job.js';
import { WorkReader } from './work-reader.js';

export interface WorkServiceOptions {
  /** First retry delay; each later one doubles it (capped at 5 minutes). @default 1000 */
  readonly retryBaseMs?: number;
}

/** Told after each committed transition (the runner wakes, the queue stats refresh). */
export type WorkListener = (type: WorkEventType, job: WorkJob) => void;

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * The work queue's state machine. Every transition is one transaction that changes the row and
 * records its `work.*` event on `work:{id}` and the owner's `user:{id}` with the whole job, so that
 * every rendering has what it needs, and on the shared `queue` with what anyone may see of it
 * ({@link sharedWorkView}). A transition from the wrong status is a 409 conflict.
 */
export class WorkService extends WorkReader {
  readonly #retryBaseMs: number;
  readonly #listeners = new Set<WorkListener>();
  readonly #endHooks = new Map<WorkKind, (tx: Tx, job: WorkJob) => Promise<void>>();
  readonly #requeueHooks = new Map<WorkKind, (tx: Tx, job: WorkJob) => Promise<void>>();

  constructor(store: Store, options: WorkServiceOptions = {}) {
    super(store);
    this.#retryBaseMs = options.retryBaseMs ?? 1000;
  }

  /** Calls listener after every committed transition; returns the function that stops it. */
  /**
   * Adds to the transaction in which a job of `kind` fails or is cancelled, however that happens (its
   * pipeline threw, it was interrupted with no retries left, it was cancelled while queued): a pipeline
   * whose clients wait for its own terminal event commits it here.
   */
  onEnded(kind: WorkKind, hook: (tx: Tx, job: WorkJob) => Promise<void>): void {
    this.#endHooks.set(kind, hook);
  }

  /**
   * Adds to the transaction in which a job of `kind` is queued again (a retry after a failed or
   * interrupted attempt, or by hand): a pipeline whose clients follow its attempts announces one here.
   */
  onRequeued(kind: WorkKind, hook: (tx: Tx, job: WorkJob) => Promise<void>): void {
    this.#requeueHooks.set(kind, hook);
  }

  onChange(listener: WorkListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Queues a job (`work.created`). `owner` null: anonymous work, which anyone may watch. */
  async create(
    kind: WorkKind,
    payload: unknown,
    owner: string | null,
    options: {
      maxRetries?: number;
      /** More events of the pipeline's own to commit with the creation (a matching run's `queued`). */
      also?: (tx: Tx, id: string) => Promise<void>;
    } = {},
  ): Promise<WorkJob> {
    const stamp = now();
    return this.#commit(WorkEvent.created, async (tx) => {
      const row = await tx.db
        .insertInto('work_jobs')
        .values({
          id: randomUUID(),
          kind,
          status: 'queued',
          phase: null,
          progress: 0,
          payload: JSON.stringify(payload ?? null),
          result: null,
          error_message: null,
          retries: 0,
          max_retries: options.maxRetries ?? 3,
          owner,
          created_at: stamp,
          updated_at: stamp,
          started_at: null,
          finished_at: null,
          run_after: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await options.also?.(tx, row.id);
      return row;
    });
  }

  /**
   * Claims a queued job that is due (`work.started`): the update succeeds for one caller only, so two
   * runners never take the same job. Undefined when it was not queued or not due any more.
   */
  async start(id: string): Promise<(WorkJob & { payload: unknown }) | undefined> {
    const stamp = now();
    let payload: unknown;
    try {
      const job = await this.#commit(WorkEvent.started, async (tx) => {
        const row = await tx.db
          .updateTable('work_jobs')
          .set({ status: 'running', phase: 'started', progress: 0, started_at: stamp, updated_at: stamp })
          .where('id', '=', id)
          .where('status', '=', 'queued')
          .where('run_after', '<=', stamp)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new Unclaimed();
        payload = payloadOf(row);
        return row;
      });
      return { ...job, payload };
    } catch (error) {
      if (error instanceof Unclaimed) return undefined;
      throw error;
    }
  }

  /** A running job's phase and percent (`work.progress`); `extra` adds fields to the event only. */
  progress(
    id: string,
    phase: string,
    percent: number,
    extra: Record<string, unknown> = {},
  ): Promise<WorkJob> {
    const progress = Math.max(0, Math.min(100, Math.round(percent)));
    return this.#transition(id, ['running'], WorkEvent.progress, () => ({ phase, progress }), extra);
  }

  /** A running job finished (`work.completed`) with `result` (JSON). */
  complete(id: string, result: unknown): Promise<WorkJob> {
    const stamp = now();
    return this.#transition(id, ['running'], WorkEvent.completed, () => ({
      status: 'complete',
      progress: 100,
      phase: 'complete',
      result: JSON.stringify(result ?? null),
      error_message: null,
      finished_at: stamp,
    }));
  }

  /**
   * A running job's attempt failed: queued again after a backoff (`work.progress`, phase `retrying`)
   * while retries < max_retries, else `work.failed`. The error message is kept either way.
   */
  fail(id: string, error: unknown): Promise<WorkJob> {
    return this.#settle(id, 'running', errorMessage(error));
  }

  /**
   * Jobs left `running` by a process that died are queued again (counted as a retry, so that a job
   * that kills the process each time stops after its retries). Run at start, before claiming.
   */
  async recoverInterrupted(): Promise<number> {
    const rows = await this.store.db
      .selectFrom('work_jobs')
      .select('id')
      .where('status', '=', 'running')
      .execute();
    for (const { id } of rows) {
      await this.#settle(id, 'running', 'interrupted: the server stopped while it ran', 1).catch(
        () => undefined,
      );
    }
    return rows.length;
  }

  /** A job left `running` by a worker that stopped answering, queued again as a retry (or failed). */
  recoverOne(id: string): Promise<WorkJob> {
    return this.#settle(id, 'running', 'interrupted: its worker stopped while it ran', 1);
  }

  /** Which of these jobs have been cancelled (by any process). */
  async cancelledAmong(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('work_jobs')
      .select('id')
      .where('id', 'in', ids)
      .where('status', '=', 'cancelled')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Cancels a queued or running job (`work.cancelled`); the runner aborts a running one. */
  cancel(id: string): Promise<WorkJob> {
    const stamp = now();
    return this.#transition(id, ['queued', 'running'], WorkEvent.cancelled, () => ({
      status: 'cancelled',
      phase: 'cancelled',
      finished_at: stamp,
    }));
  }

  /**
   * A failed or cancelled job queued again with a fresh set of retries. It is the same job, so this is
   * `work.progress` (phase `queued`; job-queue renders `job_updated`), not a second `work.created`.
   */
  retry(id: string): Promise<WorkJob> {
    return this.#transition(id, ['failed', 'cancelled'], WorkEvent.progress, () => ({
      status: 'queued',
      phase: 'queued',
      progress: 0,
      retries: 0,
      error_message: null,
      result: null,
      started_at: null,
      finished_at: null,
      run_after: now(),
    }));
  }

  /**
   * A failed attempt: queued again after a backoff while retries remain, else failed. `minRetries`: an
   * interrupted attempt is not the job's fault, so even a job without retries runs once more.
   */
  async #settle(id: string, from: WorkStatus, message: string, minRetries = 0): Promise<WorkJob> {
    const row = await this.store.db
      .selectFrom('work_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`work job ${id}`);
    const stamp = new Date();
    if (row.retries < Math.max(row.max_retries, minRetries)) {
      const delay = Math.min(MAX_BACKOFF_MS, this.#retryBaseMs * 2 ** row.retries);
      const runAfter = new Date(stamp.getTime() + delay).toISOString();
      return this.#transition(
        id,
        [from],
        WorkEvent.progress,
        () => ({
          status: 'queued',
          phase: 'retrying',
          retries: row.retries + 1,
          error_message: message,
          run_after: runAfter,
        }),
        {},
        row.retries,
      );
    }
    return this.#transition(
      id,
      [from],
      WorkEvent.failed,
      () => ({
        status: 'failed',
        phase: 'failed',
        error_message: message,
        finished_at: stamp.toISOString(),
      }),
      {},
      row.retries,
    );
  }

  /**
   * Moves a job whose status is one of `from` (and, when given, whose retries are still `retries`, so
   * that a concurrent change is not overwritten), or throws 404 / 409.
   */
  #transition(
    id: string,
    from: readonly WorkStatus[],
    type: WorkEventType,
    change: () => Updateable<WorkJobsTable>,
    extra: Record<string, unknown> = {},
    retries?: number,
  ): Promise<WorkJob> {
    return this.#commit(
      type,
      async (tx) => {
        let q = tx.db
          .updateTable('work_jobs')
          .set({ ...change(), updated_at: now() })
          .where('id', '=', id)
          .where('status', 'in', from);
        if (retries !== undefined) q = q.where('retries', '=', retries);
        const row = await q.returningAll().executeTakeFirst();
        if (row) return row;
        const current = await tx.db
          .selectFrom('work_jobs')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!current) throw notFound(`work job ${id}`);
        throw new AppError(
          ErrorCode.conflict,
          `work job ${id} is ${current.status}; this needs it ${from.join(' or ')}`,
        );
      },
      extra,
    );
  }

  /** Runs change in a transaction with its events; listeners hear of it after commit. */
  async #commit(
    type: WorkEventType,
    change: (tx: Tx) => Promise<WorkJobRow>,
    extra: Record<string, unknown> = {},
  ): Promise<WorkJob> {
    const job = await this.store.transaction(async (tx) => {
      const job = toWorkJob(await change(tx));
      // The job's own fields win over extra ones, so that no event misstates the job.
      const data = { ...extra, ...job };
      // Shared readers get the public view (one event, rendered once); the whole job stays with those
      // who may see it: the job's own topic and its owner's.
      await tx.emit({ topic: topics.queue, type, data: job.owner === null ? data : sharedWorkView(job) });
      await tx.emit({ topic: topics.work(job.id), type, data });
      if (job.owner !== null) await tx.emit({ topic: topics.user(job.owner), type, data });
      if (type === WorkEvent.failed || type === WorkEvent.cancelled)
        await this.#endHooks.get(job.kind)?.(tx, job);
      // Back to queued is always a `work.progress` (phase retrying or queued): a new attempt.
      if (type === WorkEvent.progress && job.status === 'queued')
        await this.#requeueHooks.get(job.kind)?.(tx, job);
      return job;
    });
    for (const listener of this.#listeners) {
      try {
        listener(type, job);
      } catch {
        // The transition committed; a failing listener must not make its caller believe otherwise.
      }
    }
    return job;
  }
}

/** Thrown inside `start` to roll back quietly when the job was not claimable. */
class Unclaimed extends Error {}
