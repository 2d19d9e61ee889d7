import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie } from 'cookie';

/** The name of the login session cookie; it holds an access token. */
export const SESSION_COOKIE = 'jobstream_session';

/** Where a request's credential came from. */
export type CredentialKind = 'query' | 'cookie' | 'bearer';

/**
 * The token a request carries: `?token=` (browsers cannot set headers on a WebSocket), else the session
 * cookie, else `Authorization: Bearer`. Empty values count as absent.
 */
export function credentialOf(request: {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
}): string | undefined {
  return credentialIn(request)?.token;
}

/** The token a request carries (as `credentialOf` finds it) and where it came from. */
export function credentialIn(request: {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
}): { token: string; kind: CredentialKind } | undefined {
  const query = queryToken(request.url);
  if (query !== undefined) return { token: query, kind: 'query' };
  const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (cookie !== undefined) return { token: cookie, kind: 'cookie' };
  const bearer = bearerToken(request.headers.authorization);
  return bearer === undefined ? undefined : { token: bearer, kind: 'bearer' };
}

function queryToken(url: string | undefined): string | undefined {
  if (url === undefined || !url.includes('token=')) return undefined;
  try {
    return new URL(url, 'http://localhost').searchParams.get('token') || undefined;
  } catch {
    return undefined;
  }
}

/** One cookie's value from a `Cookie` header (`a=1; b=2`), URL-decoded; empty counts as absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  return parseCookie(header)[name] || undefined;
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}
