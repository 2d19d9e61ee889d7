import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Every method the HTTP API has: a preflight that allowed fewer would stop a browser's PUT or DELETE. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The request headers the API reads (beyond the CORS-safelisted ones). */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'];
/** The response headers a page may read: when to retry, whether an answer was a replay, the limits. */
const EXPOSED_HEADERS = [
  'Retry-After',
  'Idempotent-Replayed',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/**
 * CORS for `CORS_ORIGINS`: `*` lets any page call the API, but without cookies (a session cookie is
 * only honoured from origins that are listed); a list allows those origins, with cookies; empty, none.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const common = {
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    // Joined once here: given an array, the plugin joins it again for every response.
    exposedHeaders: EXPOSED_HEADERS.join(', '),
    maxAge: 600,
    // An OPTIONS that is not a preflight (no Origin or no Access-Control-Request-Method) goes to the
    // routes like any request, so it is answered in the documented error shape (404/405), not text/plain.
    strictPreflight: false,
  };
  if (origins.includes('*')) await app.register(cors, { ...common, origin: '*' });
  else if (origins.length > 0)
    await app.register(cors, { ...common, origin: [...origins], credentials: true });
}
