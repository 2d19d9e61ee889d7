import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

/**
 * @fastify/rate-limit, for the routes that ask for it with {@link perMinute} (login and register): it
 * counts by client address (`request.ip`, which TRUST_PROXY decides), on each node, and refuses with
 * 429 `rate_limited` in the usual error shape, with `Retry-After` in seconds.
 */
export async function registerAuthRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // The library's own key (an IPv6 client counted by its /56), except that a client gone before its
    // request is handled has no address left (`request.ip` undefined), which made the default throw.
    keyGenerator: (request) => ((request.ip as string | undefined) ? normalizeIP(request.ip) : 'gone'),
    errorResponseBuilder: (_request, context) =>
      new AppError(ErrorCode.rateLimited, `too many attempts from this address: retry in ${context.after}`),
  });
}

/** A route's options for at most `limit` requests per client address per minute (0: no limit). */
export function perMinute(limit: number): RouteShorthandOptions {
  return limit === 0 ? {} : { config: { rateLimit: { max: limit, timeWindow: 60_000 } } };
}
