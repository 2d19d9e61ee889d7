import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { findIdempotentResponse, saveIdempotentResponse } from '../store/idempotency.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a write carries an Idempotency-Key that has not been answered before. */
    idempotency?: { scope: string; key: string; request: string };
  }
}

const writes = new Set(['POST', 'PUT', 'PATCH']);

/**
 * `Idempotency-Key` on writes: the first answer (below 500) is kept for a day, per caller and key, and
 * a retry gets that same answer without doing the work again. A key reused for another request is 409.
 */
export function registerIdempotency(app: FastifyInstance, store: Store): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (!writes.has(request.method) || typeof key !== 'string' || key === '') return;
    if (key.length > 200)
      throw new AppError(ErrorCode.invalidMessage, 'Idempotency-Key is at most 200 characters');
    const scope = request.principal.userId ?? 'anon';
    const signature = `${request.method} ${request.url}`;
    const earlier = await findIdempotentResponse(store.db, scope, key);
    if (earlier) {
      if (earlier.request !== signature) {
        throw new AppError(ErrorCode.conflict, 'this Idempotency-Key was used for another request');
      }
      void reply
        .status(earlier.status_code)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(earlier.response_body);
      return reply;
    }
    request.idempotency = { scope, key, request: signature };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    await saveIdempotentResponse(store.db, {
      ...pending,
      status_code: reply.statusCode,
      response_body: payload,
    });
    return payload;
  });
}
