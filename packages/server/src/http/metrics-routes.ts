import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { bearerToken } from '../auth/credentials.js';
import { AppError } from '../errors.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';

/**
 * `GET /metrics`, Prometheus's text format. With METRICS_TOKEN set it wants `Authorization: Bearer
 * <token>` (401 otherwise); unset, anyone who reaches the port may read it. Every 429 answered counts
 * as a refusal of the `http` endpoint.
 */
export function registerMetricsRoutes(
  app: FastifyInstance,
  metrics: NodeMetrics,
  token: string | undefined,
): void {
  app.addHook('onResponse', (_request, reply, done) => {
    if (reply.statusCode === 429) metrics.httpRateLimited();
    done();
  });
  const expected = token === undefined ? undefined : Buffer.from(token);
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics of this node',
        description:
          'Connections, traffic, latency, replays, outbox lag, broker and work queue; METRICS_TOKEN guards it.',
        tags: ['operations'],
      },
    },
    async (request, reply) => {
      if (expected !== undefined) {
        const given = Buffer.from(bearerToken(request.headers.authorization) ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          void reply.header('www-authenticate', 'Bearer realm="metrics"');
          throw new AppError(
            ErrorCode.unauthorized,
            'send the metrics token: Authorization: Bearer <METRICS_TOKEN>',
          );
        }
      }
      return reply.type(metrics.contentType).send(await metrics.scrape());
    },
  );
}
