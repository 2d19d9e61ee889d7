import { EvaluatorError, type EvaluationInput, type EvaluationOutput, type Evaluator } from './evaluator.js';

/**
 * Uses `primary` and, when it fails with an {@link EvaluatorError}, `fallback` for that one
 * evaluation. Cancellations and other errors pass through: falling back would hide a bug or ignore
 * a cancel.
 */
export class FallbackEvaluator implements Evaluator {
  readonly #primary: Evaluator;
  readonly #fallback: Evaluator;
  readonly #onFallback: ((error: EvaluatorError) => void) | undefined;

  /** @param onFallback told of every failure that was fallen back from (to log it, say). */
  constructor(primary: Evaluator, fallback: Evaluator, onFallback?: (error: EvaluatorError) => void) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#onFallback = onFallback;
  }

  async evaluate(input: EvaluationInput, signal: AbortSignal): Promise<EvaluationOutput> {
    try {
      return await this.#primary.evaluate(input, signal);
    } catch (error) {
      if (!(error instanceof EvaluatorError) || signal.aborted) throw error;
      this.#onFallback?.(error);
      return this.#fallback.evaluate(input, signal);
    }
  }
}
