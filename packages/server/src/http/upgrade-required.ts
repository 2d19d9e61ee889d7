import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { errorBody } from './error-handler.js';

/**
 * A plain HTTP request (no `Upgrade` header: `curl -i`, a browser tab) to a WebSocket endpoint is
 * answered 426 Upgrade Required with a line saying how to connect, not 404: job-feed.md's
 * troubleshooting checks the endpoint that way. WebSocket upgrades never reach Fastify (the
 * gateway's `upgrade` listener takes them), so only requests with no route matched are looked at.
 */
export function registerUpgradeRequired(
  app: FastifyInstance,
  isWebSocketPath: (pathname: string) => boolean,
): void {
  // Callback style, not async: every request passes here, and almost all go on at once.
  app.addHook('onRequest', (request, reply, done) => {
    const pathname = request.is404 ? (request.url.split('?')[0] ?? '') : undefined;
    if (pathname === undefined || !isWebSocketPath(pathname)) {
      done();
      return;
    }
    const error = new AppError(
      ErrorCode.upgradeRequired,
      `${pathname} is a WebSocket endpoint: connect with a WebSocket client (e.g. wscat -c ws://HOST${pathname}); the API is described at /asyncapi.json`,
    );
    // Answered here: the request goes no further (done is not called).
    void reply
      .status(426)
      .header('upgrade', 'websocket')
      .header('connection', 'Upgrade')
      .send(errorBody(error));
  });
}
