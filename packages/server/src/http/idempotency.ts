import { createHash } from 'node:crypto';
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

/** Login, register, logout (and whatever joins them): their answers are credentials, never replayed. */
const AUTH_ROUTES = '/api/v1/auth/';

/** Fields that hold credentials: never kept in a stored answer, whatever route returned them. */
const TOKEN_FIELDS = new Set(['access_token', 'refresh_token']);

/**
 * `Idempotency-Key` on writes of signed-in callers: the first answer (below 500) is kept for a day, per
 * user and key, and a retry gets that same answer without doing the work again. The key is bound to
 * the first request: another method or path is 409, the same one with another body 422
 * (`idempotency_key_reused`). The key is reserved before the work starts, so two simultaneous requests
 * with one key never both do it: the second is told (409) that the first is still in progress. A 5xx
 * answer frees the key.
 *
 * Anonymous requests do not take part (the key is ignored): anonymous callers cannot be told apart, so
 * a kept answer could reach another caller. The auth routes never take part, and a kept answer never
 * holds a token. Publishing dedupes its keys in the hub (it is anonymous here).
 */
export function registerIdempotency(app: FastifyInstance, store: Store): void {
  // The hooks are callback style, not async: the requests that carry no key (nearly all, and every
  // publish) pass without a promise or an extra turn each.
  app.addHook('preHandler', (request, reply, done) => {
    const key = request.headers['idempotency-key'];
    if (!writes.has(request.method) || typeof key !== 'string' || key === '') {
      done();
      return;
    }
    reserve(store, request, reply, key).then((replied) => {
      // A kept answer was sent: the request goes no further (done is not called).
      if (!replied) done();
    }, done);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const pending = request.idempotency;
    if (!pending) {
      done(null, payload);
      return;
    }
    keep(store, pending, reply.statusCode, payload).then(() => done(null, payload), done);
  });
}

/**
 * Reserves `key` for this request, or answers it from the kept answer (true: sent, nothing more to
 * do), or refuses it (rejects). Sets `request.idempotency` when the request is to do the work.
 */
async function reserve(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
): Promise<boolean> {
  if (key.length > 200)
    throw new AppError(ErrorCode.invalidMessage, 'Idempotency-Key is at most 200 characters');
  const route = request.routeOptions.url;
  const scope = request.principal.userId;
  if (scope === null || route === undefined || route.startsWith(AUTH_ROUTES)) return false;
  const signature = `${request.method} ${request.url}`;
  const fingerprint = fingerprintOf(request);
  const reservation = { scope, key, request: signature, fingerprint, status_code: 0, response_body: '' };
  const saved = await saveIdempotentResponse(store.db, reservation);
  if (!saved.inserted) {
    const earlier = saved.response;
    if (earlier.request !== signature) {
      throw new AppError(ErrorCode.conflict, 'this Idempotency-Key was used for another request');
    }
    if (earlier.fingerprint !== '' && earlier.fingerprint !== fingerprint) {
      throw new AppError(
        ErrorCode.idempotencyKeyReused,
        'this Idempotency-Key was used with another body; use a new key for a new request',
      );
    }
    if (earlier.status_code !== 0) {
      void reply
        .status(earlier.status_code)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(earlier.response_body);
      return true;
    }
    if (Date.now() - Date.parse(earlier.created_at) < RESERVATION_MS || !(await takeOver(store, earlier))) {
      throw new AppError(
        ErrorCode.conflict,
        'a request with this Idempotency-Key is still in progress; retry in a moment',
      );
    }
  }
  request.idempotency = { scope, key, request: signature };
  return false;
}

/** Keeps the answer for the reserved key, or frees the key when the answer is not one to keep. */
async function keep(
  store: Store,
  pending: NonNullable<FastifyRequest['idempotency']>,
  statusCode: number,
  payload: unknown,
): Promise<void> {
  if (statusCode >= 500 || typeof payload !== 'string') {
    // Not an answer to keep: the key is free for a retry.
    await store.db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', pending.scope)
      .where('key', '=', pending.key)
      .where('status_code', '=', 0)
      .execute();
    return;
  }
  await store.db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: withoutTokens(payload) })
    .where('scope', '=', pending.scope)
    .where('key', '=', pending.key)
    .where('status_code', '=', 0)
    .execute();
}

/** SHA-256 of the method, path and body (as validated, so that spacing or key order do not count). */
function fingerprintOf(request: FastifyRequest): string {
  const body = JSON.stringify(request.body) ?? '';
  return createHash('sha256').update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

/** The answer to keep, without any credential field (at any depth). */
function withoutTokens(payload: string): string {
  if (!/"(?:access|refresh)_token"/.test(payload)) return payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload;
  }
  // Iterative, so that no answer can exhaust the stack.
  const pending: unknown[] = [parsed];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    for (const [field, inner] of Object.entries(value)) {
      if (TOKEN_FIELDS.has(field)) delete (value as Record<string, unknown>)[field];
      else pending.push(inner);
    }
  }
  return JSON.stringify(parsed);
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
