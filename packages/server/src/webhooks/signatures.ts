import { createHmac, timingSafeEqual } from 'node:crypto';

/** The three vendors whose webhooks Jobstream takes. */
export type Vendor = 'greenhouse' | 'lever' | 'ashby';

const hmacHex = (secret: string, data: string | Buffer) =>
  createHmac('sha256', secret).update(data).digest('hex');

/** Hex strings compared in constant time (a length mismatch is false, not a throw). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a delivery is the vendor's, as each documents it: Greenhouse's `Signature: sha256 <hex>` and
 * Ashby's `Ashby-Signature: sha256=<hex>` are HMAC-SHA256 of the raw body under the webhook's secret;
 * Lever puts `token`, `triggeredAt` and `signature` in the body, the HMAC-SHA256 of token + triggeredAt
 * under the signature token.
 */
export function verified(
  vendor: Vendor,
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
): boolean {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (vendor === 'greenhouse') {
    const match = /^sha256\s+([0-9a-f]+)$/i.exec(header('signature')?.trim() ?? '');
    return match?.[1] !== undefined && sameHex(hmacHex(secret, raw), match[1]);
  }
  if (vendor === 'ashby') {
    const match = /^sha256=([0-9a-f]+)$/i.exec(header('ashby-signature')?.trim() ?? '');
    return match?.[1] !== undefined && sameHex(hmacHex(secret, raw), match[1]);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return false;
  }
  const { token, triggeredAt, signature } = (body ?? {}) as Record<string, unknown>;
  if (typeof token !== 'string' || typeof signature !== 'string') return false;
  if (typeof triggeredAt !== 'number' && typeof triggeredAt !== 'string') return false;
  return sameHex(hmacHex(secret, `${token}${String(triggeredAt)}`), signature);
}
