import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, type Role } from '@jobstream/protocol';
import type { JobstreamAuthorizer } from '../auth/authorizer.js';
import { AppError } from '../errors.js';
import { anonymous, type Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; anonymous without credentials. Set by {@link registerAuth}. */
    principal: Principal;
  }
}

export interface AuthPluginOptions {
  readonly authorizer: Pick<JobstreamAuthorizer, 'identify'>;
  /** `AUTH_REQUIRED`: every route but the {@link isOpenRoute open ones} refuses anonymous callers. */
  readonly authRequired?: boolean;
  /**
   * Requests whose `Authorization` header means something else (the publish API key) and that must not
   * be read as a user token. They stay anonymous.
   */
  readonly skip?: (request: FastifyRequest) => boolean;
}

/**
 * What anyone may reach, whatever `AUTH_REQUIRED` says: health and readiness, signing in (and up, and
 * out), the dashboard's page and assets with what it reads before sign-in (`/api/v1/info`), the
 * OpenAPI and AsyncAPI documents, and the demo's boards (its scrapes fetch them). They answer a bad
 * credential as anonymous, so that a lapsed session cookie can never stop its owner from signing in
 * again.
 */
const openRoutes: ReadonlySet<string> = new Set([
  'GET /health',
  'GET /api/v1/health',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/logout',
  'GET /',
  'GET /assets/*',
  'GET /api/v1/info',
  'GET /asyncapi.json',
  'GET /ready',
  'GET /demo/boards/:board',
  // An ATS signs its deliveries instead (webhook-routes.ts).
  'POST /api/v1/webhooks/:vendor',
]);

/** Whether `request` is for a route that anyone may reach (see `openRoutes`). */
export function isOpenRoute(request: FastifyRequest): boolean {
  if (request.method === 'OPTIONS') return true; // CORS preflight carries no credential
  const route = request.routeOptions.url;
  if (route === undefined) return false;
  if ((route === '/docs' || route.startsWith('/docs/')) && request.method === 'GET') return true;
  return openRoutes.has(`${request.method === 'HEAD' ? 'GET' : request.method} ${route}`);
}

/**
 * Sets `request.principal` on every request. A bad token is refused with 401 before any route runs: a
 * bad credential never falls back to anonymous (except on the open routes, which ask nobody's). No
 * credential is anonymous; routes that need a user say so with {@link requireUser} or
 * {@link requireRole}, and with `authRequired` every route but the open ones needs one.
 */
export function registerAuth(app: FastifyInstance, options: AuthPluginOptions): void {
  app.decorateRequest('principal', null as unknown as Principal);
  // Callback style, not async: a request that skips (every publish) costs no promise and no extra turn.
  app.addHook('onRequest', (request, _reply, done) => {
    if (options.skip?.(request) === true) {
      request.principal = anonymous;
      done();
      return;
    }
    const credentials = { headers: request.headers, url: request.url };
    const open = isOpenRoute(request);
    options.authorizer.identify(credentials).then(
      (principal) => {
        request.principal = principal;
        if (!open && options.authRequired === true && principal.userId === null) {
          done(new AppError(ErrorCode.unauthorized, 'authentication required'));
        } else done();
      },
      (error: unknown) => {
        if (!open) {
          done(error as Error);
          return;
        }
        request.principal = anonymous;
        done();
      },
    );
  });
}

/** The signed-in user of a request; 401 when anonymous. */
export function requireUser(request: FastifyRequest): Principal & { userId: string } {
  const { principal } = request;
  if (principal.userId === null) throw new AppError(ErrorCode.unauthorized, 'sign in first');
  return { ...principal, userId: principal.userId };
}

/** The signed-in user, when their role is one of `roles`; 401 when anonymous, else 403. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal & { userId: string } {
  const principal = requireUser(request);
  if (principal.role === null || !roles.includes(principal.role)) {
    throw new AppError(ErrorCode.forbidden, 'your role may not do this');
  }
  return principal;
}
