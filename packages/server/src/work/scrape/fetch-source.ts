import type { SourceKind } from '@jobstream/protocol';
import { parseAshby } from './ashby.js';
import { parseJsonFeed, parseRss } from './feed.js';
import { parseGreenhouse } from './greenhouse.js';
import { guardedGetConditional } from './guarded-get.js';
import { parseHnThread } from './hn.js';
import { parseLever } from './lever.js';
import { parseRecruitee } from './recruitee.js';
import { parseRemoteOk } from './remoteok.js';
import { parseSmartRecruiters } from './smartrecruiters.js';
import { parseWeWorkRemotely } from './weworkremotely.js';
import { parseWorkable } from './workable.js';
import { SourceError, type ScrapedPosting } from './normalized.js';
import { BlockedAddressError, SourcePolicy } from './source-policy.js';

export interface SourceConfig {
  readonly kind: SourceKind;
  /** The feed's URL: a board's public API endpoint (see the README's source kinds), a JSON or RSS feed. */
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

/** A source's validators from its last answer, for a conditional request. */
export interface Validators {
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** A fetch: the board unchanged since `validators` (HTTP 304), or its postings and new validators. */
export type Fetched =
  | { readonly unchanged: true }
  | { readonly unchanged: false; readonly postings: ScrapedPosting[]; readonly validators: Validators };

/**
 * Fetches a source and normalises its postings. Anything wrong (a refused address, unreachable, HTTP
 * error, timeout, oversized or malformed body) is a SourceError with a plain message.
 */
export async function fetchSource(
  source: SourceConfig,
  options: FetchSourceOptions = {},
): Promise<ScrapedPosting[]> {
  const fetched = await fetchSourceIfChanged(source, { etag: null, lastModified: null }, options);
  return fetched.unchanged ? [] : fetched.postings;
}

/** {@link fetchSource} as a conditional request: an unchanged board costs one 304. */
export async function fetchSourceIfChanged(
  source: SourceConfig,
  validators: Validators,
  options: FetchSourceOptions = {},
): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signals = [timeout, ...(options.signal ? [options.signal] : [])];
  const xml = source.kind === 'rss' || source.kind === 'weworkremotely';
  let text: string;
  let next: Validators;
  try {
    const answer = await guardedGetConditional(source.url, {
      policy: options.policy ?? new SourcePolicy(),
      accept: xml ? 'application/rss+xml, application/xml' : 'application/json',
      maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
      signal: AbortSignal.any(signals),
      ...validators,
    });
    if (answer.notModified) return { unchanged: true };
    ({ text } = answer);
    next = { etag: answer.etag, lastModified: answer.lastModified };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (error instanceof BlockedAddressError)
      throw new SourceError(`${source.url} was not fetched: ${error.message}`);
    const why = timeout.aborted ? `timed out after ${timeoutMs} ms` : 'is unreachable';
    throw new SourceError(`${source.url} ${why}`);
  }
  return { unchanged: false, postings: parse(source, text), validators: next };
}

function parse(source: SourceConfig, text: string): ScrapedPosting[] {
  if (source.kind === 'rss') return parseRss(text, source.company);
  if (source.kind === 'weworkremotely') return parseWeWorkRemotely(text, source.company);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceError(`${source.url} did not answer JSON`);
  }
  const parsers = {
    greenhouse: parseGreenhouse,
    lever: parseLever,
    json: parseJsonFeed,
    ashby: parseAshby,
    workable: parseWorkable,
    smartrecruiters: parseSmartRecruiters,
    recruitee: parseRecruitee,
    remoteok: parseRemoteOk,
    hn: parseHnThread,
  } as const;
  return parsers[source.kind](body, source.company);
}
