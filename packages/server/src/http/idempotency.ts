import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { saveIdempotentResponse } from '../store/idempotency.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a write carries an Idempotency-Key that has not been answered before. */
    idempotency?: { scope: string; key: string; request: string };
  }
}

const writes = new Set(['POST', 'PUT', 'PATCH']);

/** How long a key stays reserved by a request that has not answered yet (then it counts as abandoned). */
const RESERVATION_MS = 60_000;

/**
 * `Idempotency-Key` on writes: the first answer (below 500) is kept for a day, per caller and key, and
 * a retry gets that same answer without doing the work again. A key reused for another request is 409.
 * The key is reserved before the work starts, so two simultaneous requests with one key never both do
 * it: the second is told (409) that the first is still in progress. A 5xx answer frees the key.
 */
export function registerIdempotency(app: FastifyInstance, store: Store): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (!writes.has(request.method) || typeof key !== 'string' || key === '') return;
    if (key.length > 200)
      throw new AppError(ErrorCode.invalidMessage, 'Idempotency-Key is at most 200 characters');
    const scope = request.principal.userId ?? 'anon';
    const signature = `${request.method} ${request.url}`;
    const reservation = { scope, key, request: signature, status_code: 0, response_body: '' };
    const saved = await saveIdempotentResponse(store.db, reservation);
    if (!saved.inserted) {
      const earlier = saved.response;
      if (earlier.status_code === 0) {
        if (
          Date.now() - Date.parse(earlier.created_at) < RESERVATION_MS ||
          !(await takeOver(store, earlier))
        ) {
          throw new AppError(
            ErrorCode.conflict,
            'a request with this Idempotency-Key is still in progress; retry in a moment',
          );
        }
      } else {
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
    }
    request.idempotency = { scope, key, request: signature };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending) return payload;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      // Not an answer to keep: the key is free for a retry.
      await store.db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', pending.scope)
        .where('key', '=', pending.key)
        .where('status_code', '=', 0)
        .execute();
      return payload;
    }
    await store.db
      .updateTable('idempotency_keys')
      .set({ status_code: reply.statusCode, response_body: payload })
      .where('scope', '=', pending.scope)
      .where('key', '=', pending.key)
      .where('status_code', '=', 0)
      .execute();
    return payload;
  });
}

/** Takes over a reservation whose request never answered; false when another request took it first. */
async function takeOver(
  store: Store,
  stale: { scope: string; key: string; created_at: string },
): Promise<boolean> {
  const result = await store.db
    .updateTable('idempotency_keys')
    .set({ created_at: new Date().toISOString() })
    .where('scope', '=', stale.scope)
    .where('key', '=', stale.key)
    .where('status_code', '=', 0)
    .where('created_at', '=', stale.created_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
