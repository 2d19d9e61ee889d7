import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { SESSION_COOKIE } from '../auth/credentials.js';
import { LoginBody, parseInput, RegisterBody, type PublicUser } from '../auth/schemas.js';
import type { TokenService } from '../auth/tokens.js';
import type { UserService } from '../domain/users.js';
import { AppError } from '../errors.js';
import { requireUser } from './auth-plugin.js';
import { perMinute } from './auth-rate-limit.js';

export interface AuthRoutesOptions {
  readonly users: UserService;
  readonly tokens: Pick<TokenService, 'sign' | 'ttlSeconds'>;
  /** Mark the session cookie `Secure` (served over HTTPS). */
  readonly secureCookies: boolean;
  /** Attempts per client address per minute (0: no limit). @default no limit */
  readonly perMinute?: { readonly login: number; readonly register: number };
}

/**
 * `POST /api/v1/auth/register`, `login`, `logout` and `GET /api/v1/auth/me`. Needs {@link registerAuth}
 * (for `request.principal`); registers @fastify/cookie itself unless the app has it already.
 */
export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const { users, tokens, secureCookies } = options;
  // For setting and clearing the session cookie only: credentials read the Cookie header themselves
  // (auth/credentials.ts), so no request pays for parsing it (`hook: false`).
  if (!app.hasReplyDecorator('setCookie')) void app.register(cookie, { hook: false });
  // Lax keeps the cookie off cross-site POSTs (CSRF) yet sends it when a link into the dashboard is followed.
  const cookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies } as const;

  app.post('/api/v1/auth/register', perMinute(options.perMinute?.register ?? 0), async (request, reply) => {
    const body = parseInput(RegisterBody, request.body);
    const user = await users.register(body, request.principal);
    return reply.status(201).send({ user });
  });

  app.post('/api/v1/auth/login', perMinute(options.perMinute?.login ?? 0), async (request, reply) => {
    const user = await users.login(parseInput(LoginBody, request.body));
    const { token } = await tokens.sign(user);
    void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: tokens.ttlSeconds });
    return {
      access_token: token,
      token_type: 'bearer' as const,
      expires_in: tokens.ttlSeconds,
      user,
    };
  });

  app.post('/api/v1/auth/logout', async (_request, reply) => {
    // Tokens are stateless: this ends the browser session; a copied token lives until it expires.
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.status(204).send();
  });

  // A signed-in caller's fresh token (same shape as login), so that a session renews before it lapses.
  app.post('/api/v1/auth/refresh', async (request, reply) => {
    const { userId } = requireUser(request);
    const user = await users.getUser(userId);
    if (user === undefined) throw new AppError(ErrorCode.unauthorized, 'sign in first');
    const { token } = await tokens.sign(user);
    void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: tokens.ttlSeconds });
    return { access_token: token, token_type: 'bearer' as const, expires_in: tokens.ttlSeconds, user };
  });

  app.get('/api/v1/auth/me', async (request): Promise<{ user: PublicUser }> => {
    const { userId } = requireUser(request);
    const user = await users.getUser(userId);
    if (user === undefined) throw new AppError(ErrorCode.unauthorized, 'sign in first');
    return { user };
  });
}
