import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MatchingJobInput, UpdatesQuery, UuidParam } from '@jobstream/protocol';
import type { MatchingRuns } from '../work/matching-runs.js';

/** Matching runs over REST: start one, read its ranked matches, read the events it sent. */
export function registerMatchingRoutes(root: FastifyInstance, runs: MatchingRuns): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/matching-jobs',
    { schema: { tags: ['matching'], body: MatchingJobInput } },
    async (req, reply) => reply.status(202).send(await runs.start(req.principal, req.body)),
  );
  app.get('/api/v1/matching-jobs/:id/matches', { schema: { tags: ['matching'], params: UuidParam } }, (req) =>
    runs.matches(req.principal, req.params.id),
  );
  // The original served a run's recent events here (newest first), without the /v1 and with a slash.
  for (const path of ['/api/matching-jobs/:id/updates/', '/api/matching-jobs/:id/updates']) {
    app.get(path, { schema: { tags: ['matching'], params: UuidParam, querystring: UpdatesQuery } }, (req) =>
      runs.updates(req.principal, req.params.id, req.query.limit),
    );
  }
}
