import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { CloseCode, ErrorCode, Role } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { loadJwtSecret } from './jwt-secret.js';

/** The `iss` of the tokens Jobstream signs itself. */
export const ISSUER = 'jobstream';

/** What a valid token says. */
export interface VerifiedToken {
  readonly userId: string;
  /** The `role` claim; null when an external token carries none Jobstream knows. */
  readonly role: Role | null;
  /** When the token lapses, ms since epoch. */
  readonly expiresAt: number;
  /** `local`: signed by this server (HS256); `jwks`: by the identity provider behind `JWT_JWKS_URL`. */
  readonly source: 'local' | 'jwks';
}

/** Signs and verifies access tokens. */
export interface TokenService {
  /** Lifetime of the tokens this service signs, in seconds. */
  readonly ttlSeconds: number;
  /** A fresh HS256 access token for `user`. */
  sign(user: { readonly id: string; readonly role: Role }): Promise<{ token: string; expiresAt: number }>;
  /**
   * Checks a token; throws an AppError (`unauthorized`) whose close code is 4003 for something that is
   * not a JWT, 4001 for anything else but an expired token (`token_expired`, 4004).
   */
  verify(token: string): Promise<VerifiedToken>;
}

export interface TokenServiceOptions {
  /** HS256 secret (`JWT_SECRET`); without it one is generated and kept in `dataDir`. */
  readonly jwtSecret?: string | undefined;
  /** JWKS of an identity provider whose RS256/ES256 tokens are accepted too (`JWT_JWKS_URL`). */
  readonly jwtJwksUrl?: string | undefined;
  readonly dataDir: string;
  /** @default 3600 */
  readonly ttlSeconds?: number | undefined;
}

const malformed = () =>
  new AppError(ErrorCode.unauthorized, 'malformed token', { closeCode: CloseCode.malformedToken });
const failed = (cause?: unknown) =>
  new AppError(ErrorCode.unauthorized, 'authentication failed', { cause, closeCode: CloseCode.authFailed });

/** A credential that has lapsed: `token_expired` (HTTP 401), and 4004 where it ends a connection. */
export const tokenExpired = () =>
  new AppError(ErrorCode.tokenExpired, 'token expired', { closeCode: CloseCode.tokenExpired });

/** Builds the token service; reads or creates the HS256 secret first. */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const secret = await loadJwtSecret(options.jwtSecret, options.dataDir);
  const ttlSeconds = options.ttlSeconds ?? 3600;
  const jwks: JWTVerifyGetKey | undefined =
    options.jwtJwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(options.jwtJwksUrl));

  async function check(token: string): Promise<VerifiedToken> {
    const alg = algorithmOf(token);
    if (alg === 'HS256') {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        requiredClaims: ['sub', 'exp'],
      });
      return claims(payload, 'local');
    }
    if ((alg === 'RS256' || alg === 'ES256') && jwks !== undefined) {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['exp'],
      });
      return claims(payload, 'jwks');
    }
    throw failed();
  }

  return {
    ttlSeconds,
    async sign(user) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ role: user.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(secret);
      return { token, expiresAt: (now + ttlSeconds) * 1000 };
    },
    async verify(token) {
      try {
        return await check(token);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw tokenExpired();
        }
        throw failed(error);
      }
    },
  };
}

/** The header's `alg`, or a 4003 error when the token is not a JWT at all. */
function algorithmOf(token: string): string {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) throw malformed();
  try {
    decodeJwt(token);
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg !== 'string') throw malformed();
    return alg;
  } catch {
    throw malformed();
  }
}

/** The claims Jobstream reads. External providers may name the user `user_id` (Django's simplejwt does). */
function claims(payload: JWTPayload, source: VerifiedToken['source']): VerifiedToken {
  const subject = payload.sub ?? payload['user_id'];
  const userId = typeof subject === 'number' ? String(subject) : subject;
  if (typeof userId !== 'string' || userId === '' || payload.exp === undefined) throw failed();
  const claimed = Role.safeParse(payload['role']);
  const role = claimed.success ? claimed.data : null;
  if (source === 'local' && role === null) throw failed();
  return { userId, role, expiresAt: payload.exp * 1000, source };
}
