import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParam } from '@jobstream/protocol';
import type { ApplicationService } from '../domain/applications.js';
import { INBOX_PAGE_MAX, type InboxService } from '../domain/inbox-service.js';

/** `GET /api/v1/inbox`'s query: unread only, older than an item id, how many. */
export const InboxQuery = z.object({
  unread: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(INBOX_PAGE_MAX).default(50),
});

export const InboxItemResource = z.object({
  id: z.number().int(),
  kind: z.string(),
  summary: z.string(),
  data: z.unknown(),
  audience: z.enum(['user', 'role', 'everyone']),
  urgent: z.boolean(),
  read: z.boolean(),
  created_at: z.string(),
});
export const InboxPageResource = z.object({
  items: z.array(InboxItemResource),
  next_before: z.number().int().nullable(),
  unread_count: z.number().int(),
});
export const UnreadCount = z.object({ unread_count: z.number().int() });
/** What a read answers: the data of the `inbox.read` event it sends. */
export const InboxReadResource = z.object({
  ids: z.union([z.array(z.number().int()), z.literal('all')]),
  up_to: z.number().int().nullable(),
  unread_count: z.number().int(),
  read_at: z.string(),
});
export const TimelineResource = z.object({
  application_id: z.number().int(),
  entries: z.array(
    z.object({
      id: z.number().int(),
      kind: z.string(),
      actor_id: z.string().nullable(),
      actor_name: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});

/**
 * The signed-in user's inbox (`GET /api/v1/inbox`, its unread count, reading one or all) and an
 * application's timeline (`GET /api/v1/applications/{id}/timeline`, for whoever may read it).
 */
export function registerInboxRoutes(
  root: FastifyInstance,
  deps: { inbox: InboxService; applications: ApplicationService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { inbox, applications } = deps;
  const tags = ['inbox'];
  app.get('/api/v1/inbox', { schema: { tags, querystring: InboxQuery } }, (req) =>
    inbox.list(req.principal, req.query),
  );
  app.get('/api/v1/inbox/unread-count', { schema: { tags } }, async (req) => ({
    unread_count: await inbox.unreadCount(req.principal),
  }));
  app.post('/api/v1/inbox/read-all', { schema: { tags } }, (req) => inbox.readAll(req.principal));
  app.post('/api/v1/inbox/:id/read', { schema: { tags, params: IdParam } }, (req) =>
    inbox.read(req.principal, req.params.id),
  );
  app.get(
    '/api/v1/applications/:id/timeline',
    { schema: { tags: ['applications'], params: IdParam } },
    async (req) => ({
      application_id: req.params.id,
      entries: await applications.timeline(req.principal, req.params.id),
    }),
  );
}
