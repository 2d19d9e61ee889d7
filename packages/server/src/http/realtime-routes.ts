import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, PublishRequest, Topic, TypeFilter } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import { AppError, fieldErrors } from '../errors.js';
import type { Authorizer } from '../auth/principal.js';
import type { FlushScheduler } from '../gateway/flush-scheduler.js';
import { encodePollAnswer, longPoll, type PollStop } from '../gateway/long-poll.js';
import type { ConnectionRegistry } from '../gateway/registry.js';
import { openSseStream, parseCursor } from '../gateway/sse-stream.js';
import { requireApiKey } from './api-key.js';
import { tokenExpired } from '../auth/tokens.js';

export interface RealtimeRouteDeps {
  readonly hub: Hub;
  readonly authorizer: Authorizer;
  readonly registry: ConnectionRegistry;
  readonly scheduler: FlushScheduler;
  readonly apiKey: string | undefined;
  readonly sendBufferBytes: number;
  /** Aborts at shutdown, so that waiting long-polls answer at once. */
  readonly shutdown: AbortSignal;
}

const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(50));

/** `GET /api/v1/events`. */
export const SseQuery = z.object({
  topics: commaList(Topic),
  since: z.string().optional(),
  types: commaList(TypeFilter).optional(),
});

/** `GET /api/v1/events/poll`. */
export const PollQuery = z.object({
  topic: Topic,
  since: z.coerce.number().int().min(0).optional(),
  epoch: z.string().max(100).optional(),
  timeout: z.coerce.number().min(0).max(60).default(25),
  types: commaList(TypeFilter).optional(),
});

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldErrors(result.error.issues);
    throw new AppError(
      ErrorCode.invalidMessage,
      `invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      { fields },
    );
  }
  return result.data;
}

/** Publish, Server-Sent Events and long-poll: the native protocol over plain HTTP. */
export function registerRealtimeRoutes(app: FastifyInstance, deps: RealtimeRouteDeps): void {
  app.post('/api/v1/publish', async (request) => {
    requireApiKey(request, deps.apiKey);
    const body = parse(PublishRequest, request.body);
    const header = request.headers['idempotency-key'];
    const key = body.idempotency_key ?? (typeof header === 'string' ? header : undefined);
    const outcome = await deps.hub.publish({
      topic: body.topic,
      type: body.type,
      data: body.data,
      // A namespace of their own: a caller's key can never match (and so suppress) the relay's keys.
      idempotencyKey: key === undefined ? undefined : `api:${key}`,
    });
    return { topic: outcome.topic, seq: outcome.seq };
  });

  app.get('/api/v1/events', async (request, reply) => {
    // A stream opened while the server stops would hold the shutdown up until its client leaves.
    if (deps.shutdown.aborted) throw new AppError(ErrorCode.unavailable, 'the server is shutting down');
    const query = parse(SseQuery, request.query);
    const since = new Map<string, number>();
    const only = query.topics.length === 1 ? query.topics[0] : undefined;
    // `?since=5` for a single topic, or a cursor; Last-Event-ID (set by EventSource on reconnect) wins.
    if (query.since !== undefined && only !== undefined && /^\d+$/.test(query.since))
      since.set(only, Number(query.since));
    for (const [t, s] of parseCursor(query.since)) since.set(t, s);
    const lastEventId = request.headers['last-event-id'];
    for (const [t, s] of parseCursor(typeof lastEventId === 'string' ? lastEventId : undefined))
      since.set(t, s);
    const principal = await deps.authorizer.authenticate({ headers: request.headers, url: request.url });
    const headers = reply.getHeaders();
    reply.hijack();
    try {
      await openSseStream(
        request.raw,
        reply.raw,
        principal,
        { topics: query.topics, since, types: query.types, headers },
        deps,
      );
    } catch (error) {
      if (reply.raw.headersSent) {
        reply.raw.destroy();
        return;
      }
      const appError = error instanceof AppError ? error : new AppError(ErrorCode.internal, 'internal error');
      reply.raw.writeHead(appError.httpStatus, { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify({ error: { code: appError.code, message: appError.message } }));
    }
  });

  // Polls waiting now: each answers at once at shutdown. One listener for all of them, not one per poll.
  const waiting = new Set<() => void>();
  const wakeAll = (): void => {
    for (const wake of [...waiting]) wake();
  };
  deps.shutdown.addEventListener('abort', wakeAll, { once: true });

  app.get('/api/v1/events/poll', async (request, reply) => {
    const query = parse(PollQuery, request.query);
    const principal = await deps.authorizer.authenticate({ headers: request.headers, url: request.url });
    if (!(await deps.authorizer.canRead(principal, query.topic))) {
      throw new AppError(ErrorCode.forbidden, `not allowed to read ${query.topic}`);
    }
    const stop = new PollEnd(reply.raw, principal.expiresAt, deps.shutdown, waiting);
    const answer = await longPoll(
      deps.hub,
      {
        topic: query.topic,
        since: query.since,
        epoch: query.epoch,
        types: query.types,
        timeoutMs: query.timeout * 1000,
        maxBytes: deps.sendBufferBytes,
      },
      stop,
    );
    // A poll ends when its token lapses, like any session: 401 token_expired, and the client polls
    // again from the same `since` with a fresh token, so nothing held back is lost.
    if (stop.lapsed) throw tokenExpired();
    return reply.type('application/json; charset=utf-8').send(encodePollAnswer(answer));
  });
}

/**
 * What ends one waiting poll early: its client leaving, the server stopping, its token lapsing (never
 * for a null `expiresAt`). Only a waiting poll arms anything: a poll that answers at once costs no timer.
 */
class PollEnd implements PollStop {
  readonly #shutdown: AbortSignal;
  readonly #expiresAt: number | null;
  readonly #waiting: Set<() => void>;
  #left = false;
  #lapsed = false;
  #wake: (() => void) | undefined;

  constructor(
    response: NodeJS.EventEmitter,
    expiresAt: number | null,
    shutdown: AbortSignal,
    waiting: Set<() => void>,
  ) {
    this.#expiresAt = expiresAt;
    this.#shutdown = shutdown;
    this.#waiting = waiting;
    // 'close' comes after every answer too: then nothing is armed, and it costs a flag.
    response.once('close', () => {
      this.#left = true;
      this.#wake?.();
    });
  }

  get lapsed(): boolean {
    return this.#lapsed;
  }

  get stopped(): boolean {
    return this.#left || this.#lapsed || this.#shutdown.aborted;
  }

  arm(wake: () => void): () => void {
    this.#wake = wake;
    this.#waiting.add(wake);
    let timer: NodeJS.Timeout | undefined;
    if (this.#expiresAt !== null) {
      // A poll waits at most a minute: a later lapse needs no timer beyond setTimeout's range.
      timer = setTimeout(
        () => {
          this.#lapsed = true;
          this.#wake?.();
        },
        Math.min(Math.max(0, this.#expiresAt - Date.now()), 2 ** 31 - 1),
      );
      timer.unref();
    }
    return () => {
      this.#wake = undefined;
      this.#waiting.delete(wake);
      if (timer !== undefined) clearTimeout(timer);
    };
  }
}
