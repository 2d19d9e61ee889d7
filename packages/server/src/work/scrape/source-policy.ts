import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isHostname, isPlainAddress } from '../../network-settings.js';

/** Resolves a host name to every address it has (dns.lookup with `all: true`). */
export type Resolver = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

export interface SourcePolicyOptions {
  /** SOURCE_ALLOW_PRIVATE: true, false, or hostnames, addresses and CIDR ranges. @default false */
  readonly allowPrivate?: boolean | readonly string[];
  /** How host names are resolved when a source is fetched. @default dns.lookup */
  readonly resolve?: Resolver;
  /** The sentence a refusal ends with, naming the setting that would allow it. @default about SOURCE_ALLOW_PRIVATE */
  readonly hint?: string;
}

/** A fetch stopped because its host resolved to an address that sources may not reach. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
}

const systemResolver: Resolver = (hostname, options) => dns.lookup(hostname, { ...options, all: true });

/**
 * Which URLs the server may fetch as scrape sources: http(s) only, and only public unicast addresses
 * (no loopback, private, link-local, unique-local, CGNAT, multicast, reserved or unspecified ones, in
 * IPv4 or IPv6, IPv4-mapped included), unless SOURCE_ALLOW_PRIVATE allows them. A URL is checked as it
 * is written when a source is saved, and again at every fetch, where the addresses its host resolves to
 * are checked as the connection is made: a name that resolves elsewhere later (DNS rebinding) is caught.
 */
export class SourcePolicy {
  readonly #all: boolean;
  readonly #hosts: ReadonlySet<string>;
  readonly #ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
  readonly #prefixes: string[] = [];
  readonly #resolve: Resolver;
  readonly #hint: string;

  constructor(options: SourcePolicyOptions = {}) {
    const allow = options.allowPrivate ?? false;
    const entries = typeof allow === 'boolean' ? [] : allow.map((v) => v.toLowerCase());
    this.#all = allow === true;
    this.#hosts = new Set(entries.filter(isHostname));
    this.#ranges = entries
      .filter((v) => !isHostname(v))
      .map((v) => (v.includes('/') ? ipaddr.parseCIDR(v) : rangeOf(ipaddr.parse(v))));
    this.#resolve = options.resolve ?? systemResolver;
    this.#hint = options.hint ?? HINT;
  }

  /** Lets URLs that start with `prefix` through, whatever their address (the demo's own boards). */
  allowUrlPrefix(prefix: string): void {
    this.#prefixes.push(new URL(prefix).href);
  }

  /**
   * Why `url` may not be a source, in a sentence, or undefined when it may. Names are not resolved here
   * (that happens at fetch time), but `localhost` and `*.localhost` are known to be this machine.
   */
  refusal(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `${url} is not a URL`;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return `only http and https sources can be scraped (not ${parsed.protocol.slice(0, -1)})`;
    }
    if (this.#exempt(parsed)) return undefined;
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isPlainAddress(host)) return this.#addressRefusal(host, parsed.hostname);
    const name = host.replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) {
      return `${parsed.hostname} is this machine; ${this.#hint}`;
    }
    return undefined;
  }

  /**
   * The DNS lookup to connect with when fetching `url`: it refuses the connection (a BlockedAddressError)
   * when the host resolves to an address sources may not reach (unless the URL is allowed as it is).
   */
  lookupFor(url: URL): LookupFunction {
    const exempt = this.#exempt(url);
    return (hostname, options, callback) => {
      this.#resolve(hostname, options).then(
        (addresses) => {
          const refused = exempt
            ? undefined
            : addresses.map((a) => this.#addressRefusal(a.address, hostname)).find(Boolean);
          const first = addresses[0];
          if (refused !== undefined || first === undefined) {
            callback(new BlockedAddressError(refused ?? `${hostname} has no address`), '', 0);
          } else if (options.all === true) callback(null, addresses);
          else callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }

  #exempt(url: URL): boolean {
    if (this.#all || this.#hosts.has(url.hostname.replace(/\.$/, ''))) return true;
    return this.#prefixes.some((prefix) => url.href.startsWith(prefix));
  }

  /** Why a source may not connect to `address` (an IP), or undefined. */
  #addressRefusal(address: string, host: string): string | undefined {
    const ip = comparable(ipaddr.process(address));
    const range = classify(ip);
    if (range === 'unicast') return undefined;
    if (this.#ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return undefined;
    const where = host === address || host === `[${address}]` ? host : `${host} (${address})`;
    return `${where} is not a public address (${RANGE_NAMES[range] ?? range}); ${this.#hint}`;
  }
}

/** ipaddr.js's range names, as a reader knows them. */
const RANGE_NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  rfc6052: 'NAT64',
  rfc6145: 'IPv4-translated',
  '6to4': '6to4',
  teredo: 'Teredo',
};

const HINT = 'scrape sources must be public unless SOURCE_ALLOW_PRIVATE allows them';

function rangeOf(ip: ipaddr.IPv4 | ipaddr.IPv6): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const plain = ipaddr.process(ip.toString());
  return [plain, plain.kind() === 'ipv4' ? 32 : 128];
}

/** NAT64's well-known prefix (64:ff9b::/96) carries an IPv4 address: judge that one. */
function comparable(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (ip.kind() !== 'ipv6') return ip;
  const parts = (ip as ipaddr.IPv6).parts;
  const nat64 = parts[0] === 0x64 && parts[1] === 0xff9b && parts.slice(2, 6).every((p) => p === 0);
  if (!nat64) return ip;
  const [hi = 0, lo = 0] = parts.slice(6);
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/** ipaddr.js's range name, with the deprecated IPv4-compatible ::/96 (`::127.0.0.1`) as reserved. */
function classify(ip: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = ip.range();
  if (
    ip.kind() === 'ipv6' &&
    range === 'unicast' &&
    (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)
  ) {
    return 'reserved';
  }
  return range;
}
