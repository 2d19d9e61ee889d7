import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { PushSubscriptionInput, PushUnsubscribeInput } from '../push/push-schemas.js';
import type { WebPush } from '../push/web-push.js';
import { requireUser } from './auth-plugin.js';

/**
 * Web Push: `GET /api/v1/push/public-key` (the VAPID key browsers subscribe with), and the signed-in
 * user's browser subscriptions, stored by `POST /api/v1/push/subscriptions` and forgotten by `DELETE`.
 */
export function registerPushRoutes(root: FastifyInstance, push: WebPush): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['push'];
  app.get('/api/v1/push/public-key', { schema: { tags } }, () => ({ public_key: push.publicKey }));
  app.post(
    '/api/v1/push/subscriptions',
    { schema: { tags, body: PushSubscriptionInput } },
    async (req, reply) => {
      const user = requireUser(req);
      const refusal = push.policy.refusal(req.body.endpoint);
      if (refusal !== undefined) {
        throw new AppError(ErrorCode.invalidMessage, `invalid endpoint: ${refusal}`, {
          fields: [{ path: 'endpoint', message: refusal }],
        });
      }
      return reply.status(201).send(await push.subscriptions.save(user.userId, req.body));
    },
  );
  app.delete(
    '/api/v1/push/subscriptions',
    { schema: { tags, body: PushUnsubscribeInput } },
    async (req, reply) => {
      const user = requireUser(req);
      if (!(await push.subscriptions.remove(user.userId, req.body.endpoint))) {
        throw new AppError(ErrorCode.notFound, 'no such push subscription');
      }
      return reply.status(204).send();
    },
  );
}
