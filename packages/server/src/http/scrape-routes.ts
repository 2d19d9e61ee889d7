import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParam, ScrapeRequest, SourceInput, SourcePatch } from '@jobstream/protocol';
import type { Scrapes } from '../work/scrape/scrapes.js';
import type { SourceService } from '../work/scrape/sources.js';

/** Scrape sources (`/api/v1/sources`) and scrapes on demand (`POST /api/v1/scrapes`, 202). */
export function registerScrapeRoutes(
  root: FastifyInstance,
  deps: { sources: SourceService; scrapes: Scrapes },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { sources, scrapes } = deps;
  const tags = ['scrapes'];
  app.get('/api/v1/sources', { schema: { tags } }, async () => ({ items: await sources.list() }));
  app.post('/api/v1/sources', { schema: { tags, body: SourceInput } }, async (req, reply) =>
    reply.status(201).send(await sources.create(req.principal, req.body)),
  );
  app.get('/api/v1/sources/:id', { schema: { tags, params: IdParam } }, (req) => sources.get(req.params.id));
  app.patch('/api/v1/sources/:id', { schema: { tags, params: IdParam, body: SourcePatch } }, (req) =>
    sources.update(req.principal, req.params.id, req.body),
  );
  app.delete('/api/v1/sources/:id', { schema: { tags, params: IdParam } }, async (req, reply) => {
    await sources.remove(req.principal, req.params.id);
    return reply.status(204).send();
  });
  app.post('/api/v1/scrapes', { schema: { tags, body: ScrapeRequest.default({}) } }, async (req, reply) =>
    reply.status(202).send(await scrapes.request(req.principal, req.body)),
  );
}
