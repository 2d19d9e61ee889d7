import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { ErrorCode } from '@jobstream/protocol';
import { bearerToken } from '../auth/credentials.js';
import { AppError } from '../errors.js';

/** Headers a proxy adds when it relays someone else's request. */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'via',
] as const;

/**
 * Guards server-side publishing: `Authorization: Bearer <JOBSTREAM_API_KEY>`. Without a configured key,
 * only programs on this machine may publish, so a fresh install is usable and not open. A loopback peer
 * that forwards a request (a reverse proxy on this host) is not such a program: it speaks for whoever
 * called it, so a request with a forwarding header is refused.
 */
export function requireApiKey(request: FastifyRequest, apiKey: string | undefined): void {
  if (apiKey === undefined) {
    const forwarded = FORWARDING_HEADERS.find((name) => request.headers[name] !== undefined);
    if (forwarded !== undefined) {
      throw new AppError(
        ErrorCode.unauthorized,
        `a request through a proxy (${forwarded}) may not publish: set JOBSTREAM_API_KEY and send it`,
      );
    }
    // request.ip is the client TRUST_PROXY names (with none, the peer).
    if (isLoopback(request.ip)) return;
    throw new AppError(ErrorCode.unauthorized, 'set JOBSTREAM_API_KEY to publish from another host');
  }
  const given = Buffer.from(bearerToken(request.headers.authorization) ?? '');
  const expected = Buffer.from(apiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError(ErrorCode.unauthorized, 'a valid API key is required (Authorization: Bearer …)');
  }
}

function isLoopback(ip: string): boolean {
  return ipaddr.isValid(ip) && ipaddr.process(ip).range() === 'loopback';
}
