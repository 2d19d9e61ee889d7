import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { SourceError } from './normalized.js';
import type { SourcePolicy } from './source-policy.js';

export interface GuardedGetOptions {
  readonly policy: SourcePolicy;
  readonly accept: string;
  /** The most bytes of (decompressed) body read; beyond them the answer is cut and refused. */
  readonly maxBytes: number;
  /** Ends the request, wherever it is (connecting, redirected, reading the body). */
  readonly signal: AbortSignal;
  /** @default 5 */
  readonly maxRedirects?: number;
  /** The validators of the last answer: sent as If-None-Match / If-Modified-Since. */
  readonly etag?: string | null;
  readonly lastModified?: string | null;
}

/** A conditional GET's answer: the body and its validators, or unchanged (HTTP 304). */
export type ConditionalAnswer =
  | { readonly notModified: true }
  | {
      readonly notModified: false;
      readonly text: string;
      readonly etag: string | null;
      readonly lastModified: string | null;
    };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` as a scrape source: the policy checks the URL, every redirect's target, and the addresses
 * each host resolves to as the connection is made; the body is cut beyond `maxBytes`. Answers the body
 * as text. Refusals, HTTP errors and oversized bodies are SourceErrors; network errors are thrown as
 * they come (a BlockedAddressError when a host resolved to an address the policy refuses).
 */
export async function guardedGet(url: string, options: GuardedGetOptions): Promise<string> {
  const answer = await guardedGetConditional(url, { ...options, etag: null, lastModified: null });
  if (answer.notModified) throw new SourceError(`${url} answered HTTP 304 to an unconditional request`);
  return answer.text;
}

/** {@link guardedGet} with the last answer's validators: a 304 is an answer, "unchanged". */
export async function guardedGetConditional(
  url: string,
  options: GuardedGetOptions,
): Promise<ConditionalAnswer> {
  const maxRedirects = options.maxRedirects ?? 5;
  let target = url;
  for (let hop = 0; ; hop++) {
    const refusal = options.policy.refusal(target);
    if (refusal !== undefined) throw new SourceError(`${url} was not fetched: ${refusal}`);
    const res = await get(new URL(target), options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      res.destroy();
      if (hop >= maxRedirects) throw new SourceError(`${url} redirected more than ${maxRedirects} times`);
      target = resolveLocation(location, target, url);
      continue;
    }
    if (status === 304 && (options.etag || options.lastModified)) {
      res.destroy();
      return { notModified: true };
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw new SourceError(`${url} answered HTTP ${status}`);
    }
    const header = (name: string) => {
      const value = res.headers[name];
      return typeof value === 'string' && value.length <= 1000 ? value : null;
    };
    const validators = { etag: header('etag'), lastModified: header('last-modified') };
    return { notModified: false, text: await readCapped(res, url, options.maxBytes), ...validators };
  }
}

function resolveLocation(location: string, base: string, url: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new SourceError(`${url} redirected to a bad URL`);
  }
}

function get(target: URL, options: GuardedGetOptions): Promise<IncomingMessage> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'GET',
        headers: {
          accept: options.accept,
          'accept-encoding': 'gzip, deflate, br',
          'user-agent': 'jobstream-scraper',
          ...(options.etag && { 'if-none-match': options.etag }),
          ...(options.lastModified && { 'if-modified-since': options.lastModified }),
        },
        signal: options.signal,
        // A connection of its own: a pooled socket would skip the lookup that checks the address.
        agent: false,
        lookup: options.policy.lookupFor(target),
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function readCapped(res: IncomingMessage, url: string, maxBytes: number): Promise<string> {
  const tooLarge = new SourceError(`${url} answered more than ${maxBytes} bytes (SCRAPE_MAX_BYTES)`);
  if (Number(res.headers['content-length']) > maxBytes) {
    res.destroy();
    throw tooLarge;
  }
  const body = decoded(res);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge;
      chunks.push(chunk);
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new SourceError(`${url} sent a compressed body that could not be read`);
    }
    throw error;
  } finally {
    body.destroy();
    res.destroy();
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The body, decompressed as its Content-Encoding says (counted after decompression). */
function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (decoder === undefined) return res;
  pipeline(res, decoder, () => {});
  return decoder;
}
