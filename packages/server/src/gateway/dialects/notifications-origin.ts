import type { IncomingMessage } from 'node:http';
import type { CredentialKind } from '../../auth/principal.js';

/** Browser origins allowed to open `/ws/notifications/`: the server's CORS setting. */
export type AllowedOrigins = readonly string[] | '*';

/**
 * Whether an upgrade's `Origin` may connect, given the credential the authorizer takes from it, by the rule the HTTP API follows (CORS_ORIGINS):
 * - no `Origin` (not a browser) and the server's own origin (its dashboard) always may;
 * - a listed origin may, with a token or the session cookie;
 * - with `*`, any other origin may, but only with `?token=`: browsers send cookies on cross-site
 *   WebSocket upgrades, and a session cookie is honoured only from listed origins (no hijacking of a
 *   signed-in browser by another site).
 */
export function originAllowed(
  request: IncomingMessage,
  credential: CredentialKind | undefined,
  allowed: AllowedOrigins,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (sameOrigin(origin, request.headers.host)) return true;
  if (allowed !== '*') return allowed.includes(origin);
  return credential !== 'cookie';
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
