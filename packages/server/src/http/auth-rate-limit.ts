import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

/** Where the counts are kept: in this process, or in the cluster's Redis. */
export interface RateLimitStore {
  /** REDIS_URL: every node counts in one place, so that a limit holds across the cluster. */
  readonly redisUrl?: string | undefined;
  /** REDIS_PREFIX, before the counters' keys. */
  readonly redisPrefix?: string;
}

/**
 * @fastify/rate-limit, for the routes that ask for it with {@link perMinute} (login and register): it
 * counts by client address (`request.ip`, which TRUST_PROXY decides) and refuses with 429
 * `rate_limited` in the usual error shape, with `Retry-After` in seconds. With REDIS_URL the counts
 * are in Redis, shared by every node (else a client would get the limit once per node); while Redis is
 * unreachable requests are let through rather than refused, as signing in matters more than counting.
 */
export async function registerAuthRateLimit(app: FastifyInstance, store: RateLimitStore = {}): Promise<void> {
  // ioredis loads only for a cluster (a single node never needs it).
  const redis =
    store.redisUrl === undefined
      ? undefined
      : new (await import('ioredis')).Redis(store.redisUrl, {
          connectionName: 'jobstream-rate-limit',
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
        });
  if (redis) {
    // Its outages are the broker's too, which logs them; a request meanwhile is let through (skipOnError).
    redis.on('error', () => undefined);
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  await app.register(rateLimit, {
    global: false,
    ...(redis
      ? { redis, nameSpace: `${store.redisPrefix ?? 'jobstream:'}rate-limit:`, skipOnError: true }
      : {}),
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
