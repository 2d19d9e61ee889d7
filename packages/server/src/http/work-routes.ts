import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkIdParam, WorkQuery } from '@jobstream/protocol';
import type { WorkService } from '../work/work-service.js';

/**
 * The work queue over REST. A job is visible to its owner and admins; an anonymous job (owner null) to
 * anyone. Cancel and retry need the same visibility: whoever may watch a job may stop or rerun it.
 */
export function registerWorkRoutes(root: FastifyInstance, work: WorkService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['queue'];

  app.get('/api/v1/queue/jobs', { schema: { tags, querystring: WorkQuery } }, (req) =>
    work.list(req.principal, req.query),
  );
  app.get('/api/v1/queue/jobs/:id', { schema: { tags, params: WorkIdParam } }, (req) =>
    work.get(req.principal, req.params.id),
  );
  app.post('/api/v1/queue/jobs/:id/cancel', { schema: { tags, params: WorkIdParam } }, async (req) => {
    await work.get(req.principal, req.params.id);
    return work.cancel(req.params.id);
  });
  app.post('/api/v1/queue/jobs/:id/retry', { schema: { tags, params: WorkIdParam } }, async (req) => {
    await work.get(req.principal, req.params.id);
    return work.retry(req.params.id);
  });
  app.get('/api/v1/queue/stats', { schema: { tags } }, () => work.stats());
}
