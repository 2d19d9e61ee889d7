import type { SourceKind } from '@jobstream/protocol';
import { parseJsonFeed, parseRss } from './feed.js';
import { parseGreenhouse } from './greenhouse.js';
import { parseLever } from './lever.js';
import { SourceError, type ScrapedPosting } from './normalized.js';

export interface SourceConfig {
  readonly kind: SourceKind;
  /** The feed's URL: a Greenhouse board's jobs endpoint, a Lever postings list, a JSON or RSS feed. */
  readonly url: string;
  /** The company the postings are for, where the feed does not say. */
  readonly company: string;
}

/**
 * Fetches a source and normalises its postings. Anything wrong (unreachable, HTTP error, timeout,
 * malformed body) is a SourceError with a plain message.
 * @param timeoutMs @default 15000
 */
export async function fetchSource(
  source: SourceConfig,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ScrapedPosting[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  let text: string;
  try {
    const res = await fetch(source.url, {
      signal: AbortSignal.any(signals),
      headers: {
        accept: source.kind === 'rss' ? 'application/rss+xml, application/xml' : 'application/json',
      },
    });
    if (!res.ok) throw new SourceError(`${source.url} answered HTTP ${res.status}`);
    text = await res.text();
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `timed out after ${timeoutMs} ms`
        : 'is unreachable';
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
