/** When a JWT expires (ms since epoch), from its `exp` claim; undefined for anything else. */
export function tokenExpiry(token: string | undefined): number | undefined {
  try {
    const payload = (token ?? '').split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long to wait before refreshing a credential that lapses at `expiresAt`: a fifth of what is left,
 * but at most a minute, ahead of time.
 */
export function refreshDelay(expiresAt: number, now = Date.now()): number {
  const left = expiresAt - now;
  return Math.min(2 ** 31 - 1, Math.max(0, left - Math.min(60_000, left / 5)));
}
