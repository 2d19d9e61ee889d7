import { z } from 'zod';
import { SYSTEM_PROMPT, userPrompt } from './chat-prompt.js';
import { EvaluatorError, type EvaluationInput, type EvaluationOutput, type Evaluator } from './evaluator.js';

/** How long one chat-completions request may take, in milliseconds. */
export const DEFAULT_LLM_TIMEOUT_MS = 20_000;

/** Longest excerpt of an answer quoted in an error message. */
const EXCERPT_LENGTH = 200;

/** Options of {@link ChatEvaluator}. */
export interface ChatEvaluatorOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set. @default undefined (no header) */
  readonly apiKey?: string | null;
  readonly model: string;
  /** @default DEFAULT_LLM_TIMEOUT_MS (20000) */
  readonly timeoutMs?: number;
  /** For tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

// The part of an OpenAI-compatible answer that is used; other fields are ignored.
const Completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })).min(1),
});

// The verdict inside the message content; the rating's case is forgiven, the reason must say something.
const Verdict = z.object({
  rating: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.enum(['GOOD', 'NEUTRAL', 'BAD'])),
  reason: z
    .string()
    .trim()
    .min(1)
    .transform((s) => s.slice(0, 1000)),
});

/**
 * Evaluates through an OpenAI-compatible chat-completions API: `POST {baseUrl}/chat/completions` with
 * a system and a user prompt, `temperature: 0` and `response_format: {type: 'json_object'}`, and reads
 * `{"rating", "reason"}` from the first choice's message. Fails with an {@link EvaluatorError}:
 * "LLM evaluator timed out after N ms", "LLM evaluator failed with HTTP 500: …", "LLM evaluator request
 * failed: …" or "LLM evaluator returned invalid JSON: …".
 */
export class ChatEvaluator implements Evaluator {
  readonly #url: string;
  readonly #apiKey: string | null;
  readonly #model: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ChatEvaluatorOptions) {
    this.#url = `${options.baseUrl.replace(/\/+$/u, '')}/chat/completions`;
    this.#apiKey = options.apiKey || null;
    this.#model = options.model;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  async evaluate(input: EvaluationInput, signal: AbortSignal): Promise<EvaluationOutput> {
    signal.throwIfAborted();
    const body = await this.#post(input, signal);
    return parseVerdict(body);
  }

  /** Sends the request and answers the response body, under the timeout and the caller's signal. */
  async #post(input: EvaluationInput, signal: AbortSignal): Promise<string> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.#model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: userPrompt(input) },
          ],
        }),
        signal: controller.signal,
      });
      // The body is read under the same signal: a server that stalls mid-answer times out too.
      const text = await response.text();
      if (!response.ok) {
        throw new EvaluatorError(
          'http',
          `LLM evaluator failed with HTTP ${response.status}${detail(text, response.statusText)}`,
        );
      }
      return text;
    } catch (error) {
      if (error instanceof EvaluatorError) throw error;
      // A cancellation is the caller's, not the evaluator's failure: rethrow it as it came.
      if (signal.aborted) throw signal.reason;
      if (timedOut) {
        throw new EvaluatorError('timeout', `LLM evaluator timed out after ${this.#timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new EvaluatorError('network', `LLM evaluator request failed: ${messageOf(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** Reads the verdict from a chat-completions answer. */
export function parseVerdict(body: string): EvaluationOutput {
  const completion = Completion.safeParse(parseJson(body, 'the answer'));
  if (!completion.success) {
    throw invalid(`expected a chat completion with choices[0].message.content, got ${excerpt(body)}`);
  }
  const content = completion.data.choices[0]!.message.content ?? '';
  const verdict = Verdict.safeParse(parseJson(stripFence(content), 'the message'));
  if (!verdict.success) {
    throw invalid(`expected {"rating": "GOOD"|"NEUTRAL"|"BAD", "reason": "…"}, got ${excerpt(content)}`);
  }
  return verdict.data;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`${what} is not JSON: ${excerpt(text)}`);
  }
}

// Some compatible servers wrap JSON in a Markdown code fence despite the response format.
function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/u.exec(text);
  return match ? match[1]! : text;
}

function invalid(message: string): EvaluatorError {
  return new EvaluatorError('invalid_json', `LLM evaluator returned invalid JSON: ${message}`);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  if (flat.length === 0) return '(empty)';
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH)}…`;
}

/** The provider's own error message (OpenAI's `{"error": {"message"}}`), else the status text. */
function detail(body: string, statusText: string): string {
  try {
    const parsed = z.object({ error: z.object({ message: z.string() }) }).safeParse(JSON.parse(body));
    if (parsed.success) return `: ${excerpt(parsed.data.error.message)}`;
  } catch {
    // Not JSON: fall through to the status text.
  }
  return statusText ? ` ${statusText}` : '';
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch's TypeError("fetch failed") hides the useful part (ECONNREFUSED, say) in its cause.
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
