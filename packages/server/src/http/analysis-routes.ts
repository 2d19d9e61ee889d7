import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParam } from '@jobstream/protocol';
import type { Analyses } from '../work/analysis/analyses.js';

/** `POST /api/v1/jobs/{id}/analyze`: queue the caller's analysis of a posting (202 `{job_id}`). */
export function registerAnalysisRoutes(root: FastifyInstance, analyses: Analyses): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/jobs/:id/analyze',
    { schema: { tags: ['postings'], params: IdParam } },
    async (req, reply) => reply.status(202).send(await analyses.request(req.principal, req.params.id)),
  );
}
