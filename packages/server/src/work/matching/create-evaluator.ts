import { ChatEvaluator } from './chat-evaluator.js';
import { type Evaluator, type EvaluatorError } from './evaluator.js';
import { FallbackEvaluator } from './fallback-evaluator.js';
import { LocalEvaluator } from './local-evaluator.js';

/** The environment variables that choose the evaluator. */
export interface EvaluatorEnv {
  /** An OpenAI-compatible API, e.g. `https://api.openai.com/v1`. Unset: the local evaluator. */
  readonly LLM_BASE_URL?: string | undefined;
  /** Sent as a bearer token. @default undefined (no Authorization header) */
  readonly LLM_API_KEY?: string | undefined;
  /** Required with LLM_BASE_URL. */
  readonly LLM_MODEL?: string | undefined;
  /**
   * `local` (or true, 1, yes): a failed LLM evaluation falls back to the local evaluator; `none` (or
   * false, 0, no): it fails the run. @default none
   */
  readonly LLM_FALLBACK?: string | undefined;
  /** Milliseconds per LLM request. @default 20000 */
  readonly LLM_TIMEOUT_MS?: string | undefined;
}

/**
 * The evaluator the environment asks for: {@link LocalEvaluator} without `LLM_BASE_URL`; otherwise a
 * {@link ChatEvaluator}, wrapped in a {@link FallbackEvaluator} to the local one when `LLM_FALLBACK`
 * says so. Throws on a configuration that cannot work (no model, an unknown fallback, a bad timeout),
 * so that it fails at start-up rather than on the first run.
 */
export function createEvaluator(
  env: EvaluatorEnv,
  options: { fetch?: typeof fetch; onFallback?: (error: EvaluatorError) => void } = {},
): Evaluator {
  const baseUrl = env.LLM_BASE_URL?.trim();
  if (!baseUrl) return new LocalEvaluator();
  const model = env.LLM_MODEL?.trim();
  if (!model) throw new Error('LLM_MODEL must be set when LLM_BASE_URL is');
  const timeout = env.LLM_TIMEOUT_MS?.trim();
  const timeoutMs = timeout ? Number(timeout) : undefined;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new Error(`LLM_TIMEOUT_MS must be a positive integer, not "${timeout}"`);
  }
  const chat = new ChatEvaluator({
    baseUrl,
    apiKey: env.LLM_API_KEY?.trim() || null,
    model,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return fallbackWanted(env.LLM_FALLBACK)
    ? new FallbackEvaluator(chat, new LocalEvaluator(), options.onFallback)
    : chat;
}

function fallbackWanted(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (['', 'none', 'false', '0', 'no', 'off'].includes(v)) return false;
  if (['local', 'true', '1', 'yes', 'on'].includes(v)) return true;
  throw new Error(`LLM_FALLBACK must be "local" or "none", not "${value}"`);
}
