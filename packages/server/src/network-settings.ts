import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The settings that name networks: `TRUST_PROXY` and `SOURCE_ALLOW_PRIVATE`. Both parse to plain data
 * (booleans, numbers, strings) so that the start-up log shows them as they were given.
 */

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);
/** The names proxy-addr (Fastify's `trustProxy`) knows for the reserved ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** A last label of digits (or 0x…) makes a URL host an IPv4 address, never a name (WHATWG URL). */
const NUMERIC_LAST_LABEL = /(^|\.)(\d+|0x[0-9a-f]*)$/;

/** A DNS name as a URL carries it (lower case, no trailing dot), that is not an address. */
export function isHostname(value: string): boolean {
  return HOSTNAME.test(value) && !NUMERIC_LAST_LABEL.test(value);
}

/** An address written out in full (`10.0.0.1`, `fd00::1`), not a shorthand such as `10.1`. */
export function isPlainAddress(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value);
}

/** `10.0.0.0/8`, `fd00::/8`: a range whose address is written out in full. */
export function isPlainCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  return slash > 0 && isPlainAddress(value.slice(0, slash)) && ipaddr.isValidCIDR(value);
}

const items = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * `TRUST_PROXY`: false (the peer is the client), true (trust every hop), a number of hops, or a comma list
 * of proxy addresses, CIDR ranges and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`.
 */
export const trustProxySchema = z.string().transform((raw, ctx): boolean | number | string[] => {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value) && value !== '1') return true;
  if (FALSE.has(value) && value !== '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const list = items(value);
  const bad = list.filter((v) => !isPlainAddress(v) && !isPlainCidr(v) && !PROXY_RANGE_NAMES.has(v));
  if (list.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, a hop count, or addresses and CIDR ranges (not ${bad.join(', ') || 'empty'})`,
    });
    return z.NEVER;
  }
  return list;
});

/**
 * `SOURCE_ALLOW_PRIVATE`: false (scrape sources must be public addresses), true (any address), or a comma
 * list of hostnames, addresses and CIDR ranges that may be scraped although they are private.
 */
export const privateAllowSchema = z.string().transform((raw, ctx): boolean | string[] => {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  const list = items(value);
  const bad = list.filter((v) => !isPlainAddress(v) && !isPlainCidr(v) && !isHostname(v));
  if (list.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, or hostnames, addresses and CIDR ranges (not ${bad.join(', ') || 'empty'})`,
    });
    return z.NEVER;
  }
  return list;
});

/** TRUST_PROXY as Fastify's `trustProxy` option: a hop count becomes the function Fastify would make. */
export function fastifyTrustProxy(
  value: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}
