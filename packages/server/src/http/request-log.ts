import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';

/** `?token=` (and `access_token`) in a logged URL: browsers put credentials there for WebSockets and SSE. */
const TOKEN_PARAM = /([?&](?:access_)?token=)[^&#]*/gi;

/** A URL fit for a log line: credentials in its query replaced. */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1[redacted]');
}

/**
 * The logger Fastify is given: its request lines ("incoming request", "request completed" with the
 * status and time) at info, each with its `reqId`. A request is logged as its method, URL (tokens
 * redacted), host and peer: never its headers (Authorization, cookies) nor its body.
 */
export function requestLogger(logger: Logger): FastifyBaseLogger {
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
  );
}

/** A request's id: the caller's `X-Request-Id` when it is a short plain token, else a new one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}
