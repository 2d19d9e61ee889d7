import type { IncomingHttpHeaders } from 'node:http';

/** The name of the login session cookie; it holds an access token. */
export const SESSION_COOKIE = 'jobstream_session';

/**
 * The token a request carries: `?token=` (browsers cannot set headers on a WebSocket), else the session
 * cookie, else `Authorization: Bearer`. Empty values count as absent.
 */
export function credentialOf(request: {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
}): string | undefined {
  return (
    queryToken(request.url) ??
    cookieValue(request.headers.cookie, SESSION_COOKIE) ??
    bearerToken(request.headers.authorization)
  );
}

function queryToken(url: string | undefined): string | undefined {
  if (url === undefined || !url.includes('token=')) return undefined;
  try {
    return new URL(url, 'http://localhost').searchParams.get('token') || undefined;
  } catch {
    return undefined;
  }
}

/** One cookie's value from a `Cookie` header (`a=1; b=2`), URL-decoded. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return value || undefined;
    }
  }
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}
