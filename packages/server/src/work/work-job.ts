import type { EventDataOf, WorkJob } from '@jobstream/protocol';
import type { WorkJobRow, WorkKind } from '../store/schema.js';

export { QUEUE_STATS_EVENT, WorkEvent } from '@jobstream/protocol';
export type { WorkEventType } from '@jobstream/protocol';

/** Longest error_message kept (matching-job-stream's models allow 1000 characters). */
export const MAX_ERROR_MESSAGE = 1000;

/** What a pipeline may do while it runs. */
export interface PipelineContext {
  /** Records the current phase and percent (0–100) and emits `work.progress`. */
  progress(phase: string, percent: number): Promise<void>;
  /** Aborted when the job is cancelled or the server stops. */
  readonly signal: AbortSignal;
  /**
   * Commits one canonical event of the pipeline's own (a matching stage, say) through the outbox; a
   * catalogued type takes only its own data.
   */
  emit<T extends string>(topic: string, type: T, data: EventDataOf<T>): Promise<void>;
}

/** The code that does one kind of work; what it resolves with becomes the job's `result`. */
export type Pipeline = (
  job: WorkJob & { readonly payload: unknown },
  ctx: PipelineContext,
) => Promise<unknown>;

/** Pipelines by kind: a kind without one stays queued. */
export type Pipelines = Partial<Record<WorkKind, Pipeline>>;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The public shape of a row: what REST answers and what every `work.*` event carries. */
export function toWorkJob(row: WorkJobRow): WorkJob {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    phase: row.phase,
    progress: Number(row.progress),
    error_message: row.error_message,
    retries: Number(row.retries),
    max_retries: Number(row.max_retries),
    owner: row.owner,
    created_at: row.created_at,
    updated_at: row.updated_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    result: parseJson(row.result),
  };
}

/**
 * What a shared topic (`queue`) shows of a job: another user's work appears there without its owner,
 * result or error message (REST would show none of them), and marked `redacted`, so that a reader
 * can tell it from anonymous work. Anonymous work (owner null) is anyone's to see, so it stays whole.
 * The whole job goes to `work:{id}` and to its owner's `user:{id}`.
 */
export function sharedWorkView(job: WorkJob): WorkJob {
  if (job.owner === null) return job;
  return { ...job, owner: null, result: null, error_message: null, redacted: true };
}

/** The row's payload, parsed. */
export const payloadOf = (row: WorkJobRow): unknown => parseJson(row.payload);

/** An error as the short message a job keeps. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.slice(0, MAX_ERROR_MESSAGE);
}
