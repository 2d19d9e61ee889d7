import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ApplicationInput,
  ApplicationStatusInput,
  FollowupInput,
  IdParam,
  InterviewInput,
  InterviewPatch,
  NotificationInput,
  Paging,
  PostingInput,
  PostingPatch,
  PostingQuery,
  ProfileInput,
} from '@jobstream/protocol';
import type { ApplicationService } from '../domain/applications.js';
import type { FollowupService } from '../domain/followups.js';
import type { InterviewService } from '../domain/interviews.js';
import type { NotificationService } from '../domain/notifications.js';
import type { PostingService } from '../domain/postings.js';
import type { ProfileService } from '../domain/profiles.js';

export interface DomainServices {
  readonly postings: PostingService;
  readonly profiles: ProfileService;
  readonly applications: ApplicationService;
  readonly interviews: InterviewService;
  readonly followups: FollowupService;
  readonly notifications: NotificationService;
}

const postingFields = new Set(Object.keys(PostingInput.shape));
/** The fields of a posting body that PostingInput does not know (validation strips them). */
const unknownFields = new WeakMap<object, string[]>();

function noteUnknownFields(request: FastifyRequest, _reply: unknown, done: () => void): void {
  const body = request.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const unknown = Object.keys(body).filter((key) => !postingFields.has(key));
    if (unknown.length > 0) unknownFields.set(request.raw, unknown.slice(0, 50));
  }
  done();
}

/** The REST API of the domain. Bodies are validated at the edge by the zod schemas of packages/protocol. */
export function registerDomainRoutes(root: FastifyInstance, services: DomainServices): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { postings, profiles, applications, interviews, followups, notifications } = services;

  app.get('/api/v1/jobs', { schema: { tags: ['postings'], querystring: PostingQuery } }, (req) =>
    postings.list(req.query),
  );
  app.get('/api/v1/jobs/:id', { schema: { tags: ['postings'], params: IdParam } }, (req) =>
    postings.get(req.params.id),
  );
  app.post(
    '/api/v1/jobs',
    { schema: { tags: ['postings'], body: PostingInput }, preValidation: noteUnknownFields },
    async (req, reply) => {
      const posting = await postings.create(req.principal, req.body);
      const warnings = unknownFields.get(req.raw)?.map((field) => `ignored unknown field "${field}"`);
      return reply.status(201).send(warnings ? { ...posting, warnings } : posting);
    },
  );
  app.patch(
    '/api/v1/jobs/:id',
    { schema: { tags: ['postings'], params: IdParam, body: PostingPatch } },
    (req) => postings.update(req.principal, req.params.id, req.body),
  );
  app.post('/api/v1/jobs/:id/deactivate', { schema: { tags: ['postings'], params: IdParam } }, (req) =>
    postings.deactivate(req.principal, req.params.id),
  );

  app.get('/api/v1/profile', { schema: { tags: ['profile'] } }, (req) => profiles.get(req.principal));
  app.put('/api/v1/profile', { schema: { tags: ['profile'], body: ProfileInput } }, (req) =>
    profiles.put(req.principal, req.body),
  );

  app.get('/api/v1/applications', { schema: { tags: ['applications'], querystring: Paging } }, (req) =>
    applications.list(req.principal, req.query.limit, req.query.offset),
  );
  app.get('/api/v1/applications/:id', { schema: { tags: ['applications'], params: IdParam } }, (req) =>
    applications.get(req.principal, req.params.id),
  );
  app.post(
    '/api/v1/applications',
    { schema: { tags: ['applications'], body: ApplicationInput } },
    async (req, reply) =>
      reply
        .status(201)
        .send(await applications.apply(req.principal, req.body.posting_id, req.body.cover_letter ?? null)),
  );
  app.patch(
    '/api/v1/applications/:id/status',
    { schema: { tags: ['applications'], params: IdParam, body: ApplicationStatusInput } },
    (req) => applications.changeStatus(req.principal, req.params.id, req.body.status),
  );

  app.get('/api/v1/interviews', { schema: { tags: ['interviews'], querystring: Paging } }, (req) =>
    interviews.list(req.principal, req.query.limit, req.query.offset),
  );
  app.post(
    '/api/v1/interviews',
    { schema: { tags: ['interviews'], body: InterviewInput } },
    async (req, reply) => reply.status(201).send(await interviews.schedule(req.principal, req.body)),
  );
  app.patch(
    '/api/v1/interviews/:id',
    { schema: { tags: ['interviews'], params: IdParam, body: InterviewPatch } },
    (req) => interviews.update(req.principal, req.params.id, req.body),
  );
  app.post('/api/v1/interviews/:id/cancel', { schema: { tags: ['interviews'], params: IdParam } }, (req) =>
    interviews.cancel(req.principal, req.params.id),
  );

  app.get('/api/v1/followups', { schema: { tags: ['followups'], querystring: Paging } }, (req) =>
    followups.list(req.principal, req.query.limit, req.query.offset),
  );
  app.post(
    '/api/v1/followups',
    { schema: { tags: ['followups'], body: FollowupInput } },
    async (req, reply) => reply.status(201).send(await followups.create(req.principal, req.body)),
  );
  app.post('/api/v1/followups/:id/sent', { schema: { tags: ['followups'], params: IdParam } }, (req) =>
    followups.markSent(req.principal, req.params.id),
  );

  app.post(
    '/api/v1/notifications',
    { schema: { tags: ['notifications'], body: NotificationInput } },
    async (req, reply) => reply.status(201).send(await notifications.send(req.principal, req.body)),
  );
}
