import type { Criterion, Rating } from '@jobstream/protocol';

/** What an evaluator is given: one criterion, the snippets retrieved for it, and the target. */
export interface EvaluationInput {
  readonly criterion: Criterion;
  /** The source snippets retrieved for the criterion, best first (may be empty). */
  readonly sourceSnippets: readonly string[];
  /** The target's snippets retrieved for the criterion, best first (may be empty). */
  readonly targetSnippets: readonly string[];
  readonly target: { readonly id: string; readonly name: string };
}

/** One criterion's verdict for one target. */
export interface EvaluationOutput {
  readonly rating: Rating;
  /** Plain words, one or two sentences. */
  readonly reason: string;
}

/** Rates how well a target meets one criterion, given the source. */
export interface Evaluator {
  /**
   * Rejects with an {@link EvaluatorError} when the evaluation itself fails, and with the signal's
   * reason when the signal aborts (a cancellation is not a failure to fall back from).
   */
  evaluate(input: EvaluationInput, signal: AbortSignal): Promise<EvaluationOutput>;
}

/** Why an evaluator failed. */
export type EvaluatorErrorKind = 'timeout' | 'http' | 'network' | 'invalid_json';

/** An evaluation that failed (timeout, HTTP error, unreachable server or an unusable answer). */
export class EvaluatorError extends Error {
  readonly kind: EvaluatorErrorKind;

  constructor(kind: EvaluatorErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'EvaluatorError';
    this.kind = kind;
  }
}
