import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import type { JobstreamAuthorizer } from '../auth/authorizer.js';
import { AppError } from '../errors.js';
import { anonymous, type Principal } from '../gateway/authorizer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; anonymous without credentials. Set by {@link registerAuth}. */
    principal: Principal;
  }
}

export interface AuthPluginOptions {
  readonly authorizer: Pick<JobstreamAuthorizer, 'identify'>;
  /**
   * Requests whose `Authorization` header means something else (the publish API key) and that must not
   * be read as a user token. They stay anonymous.
   */
  readonly skip?: (request: FastifyRequest) => boolean;
}

/**
 * Sets `request.principal` on every request. A bad token is refused with 401 before any route runs: a
 * bad credential never falls back to anonymous. No credential is anonymous; routes that need a user
 * say so with {@link requireUser} or {@link requireRole}.
 */
export function registerAuth(app: FastifyInstance, options: AuthPluginOptions): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    request.principal =
      options.skip?.(request) === true
        ? anonymous
        : await options.authorizer.identify({ headers: request.headers, url: request.url });
  });
}

/** The signed-in user of a request; 401 when anonymous. */
export function requireUser(request: FastifyRequest): Principal & { userId: string } {
  const { principal } = request;
  if (principal.userId === null) throw new AppError(ErrorCode.unauthorized, 'sign in first');
  return { ...principal, userId: principal.userId };
}

/** The signed-in user, when their role is one of `roles`; 401 when anonymous, else 403. */
export function requireRole(request: FastifyRequest, ...roles: string[]): Principal & { userId: string } {
  const principal = requireUser(request);
  if (principal.role === null || !roles.includes(principal.role)) {
    throw new AppError(ErrorCode.forbidden, 'your role may not do this');
  }
  return principal;
}
