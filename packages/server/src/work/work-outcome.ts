import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

/**
 * How one attempt of a work job ended, as the runner records it:
 * - `completed`: the pipeline resolved and the job was marked completed with its result;
 * - `aborted`: cancelled (the job says so already) or the runner is stopping (left running: the next
 *   start, or the queue, takes it up again);
 * - `cancelled`: the job was cancelled by another process meanwhile (its completion was refused);
 * - `failed`: the pipeline threw; the attempt counts, and the job is retried or fails.
 */
export type WorkOutcome =
  | { readonly kind: 'completed'; readonly result: unknown }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly error: unknown };

/** The outcome of an attempt that threw `error` while running under `signal`. */
export function outcomeOf(error: unknown, signal: AbortSignal): WorkOutcome {
  if (signal.aborted) return { kind: 'aborted' };
  if (error instanceof AppError && error.code === ErrorCode.conflict) return { kind: 'cancelled' };
  return { kind: 'failed', error };
}
