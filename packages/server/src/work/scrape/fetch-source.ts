import type { SourceKind } from '@jobstream/protocol';
import { parseJsonFeed, parseRss } from './feed.js';
import { parseGreenhouse } from './greenhouse.js';
import { parseLever } from './lever.js';
import { guardedGet } from './guarded-get.js';
import { SourceError, type ScrapedPosting } from './normalized.js';
import { BlockedAddressError, SourcePolicy } from './source-policy.js';

export interface SourceConfig {
  readonly kind: SourceKind;
  /** The feed's URL: a Greenhouse board's jobs endpoint, a Lever postings list, a JSON or RSS feed. */
  readonly url: string;
  /** The company the postings are for, where the feed does not say. */
  readonly company: string;
}

export interface FetchSourceOptions {
  /** @default 15000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Which addresses may be fetched. @default public addresses only */
  readonly policy?: SourcePolicy;
  /** The largest body read. @default 5 MiB */
  readonly maxBytes?: number;
}

/**
 * Fetches a source and normalises its postings. Anything wrong (a refused address, unreachable, HTTP
 * error, timeout, oversized or malformed body) is a SourceError with a plain message.
 */
export async function fetchSource(
  source: SourceConfig,
  options: FetchSourceOptions = {},
): Promise<ScrapedPosting[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signals = [timeout, ...(options.signal ? [options.signal] : [])];
  let text: string;
  try {
    text = await guardedGet(source.url, {
      policy: options.policy ?? new SourcePolicy(),
      accept: source.kind === 'rss' ? 'application/rss+xml, application/xml' : 'application/json',
      maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (error instanceof BlockedAddressError)
      throw new SourceError(`${source.url} was not fetched: ${error.message}`);
    const why = timeout.aborted ? `timed out after ${timeoutMs} ms` : 'is unreachable';
    throw new SourceError(`${source.url} ${why}`);
  }
  if (source.kind === 'rss') return parseRss(text, source.company);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceError(`${source.url} did not answer JSON`);
  }
  switch (source.kind) {
    case 'greenhouse':
      return parseGreenhouse(body, source.company);
    case 'lever':
      return parseLever(body, source.company);
    case 'json':
      return parseJsonFeed(body, source.company);
  }
}
