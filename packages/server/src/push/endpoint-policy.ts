import type { LookupFunction } from 'node:net';
import { SourcePolicy } from '../work/scrape/source-policy.js';

/**
 * Which push endpoints the server may POST to: the scrape sources' address rules (public unicast
 * addresses only, checked when a subscription is stored and again at every connection, so DNS
 * rebinding is caught), under PUSH_ALLOW_PRIVATE instead of SOURCE_ALLOW_PRIVATE; and https only,
 * unless PUSH_ALLOW_PRIVATE is other than false (a push service on the local network, or a test's stub).
 */
export class EndpointPolicy {
  readonly #addresses: SourcePolicy;
  readonly #plainHttp: boolean;

  constructor(allowPrivate: boolean | readonly string[]) {
    this.#addresses = new SourcePolicy({ allowPrivate, hint: HINT });
    this.#plainHttp = allowPrivate !== false;
  }

  /** Why `endpoint` may not be pushed to, in a sentence, or undefined when it may. */
  refusal(endpoint: string): string | undefined {
    if (endpoint.startsWith('http:') && !this.#plainHttp) {
      return `push endpoints must use https unless PUSH_ALLOW_PRIVATE allows otherwise`;
    }
    return this.#addresses.refusal(endpoint)?.replace('sources can be scraped', 'push endpoints are allowed');
  }

  lookupFor(url: URL): LookupFunction {
    return this.#addresses.lookupFor(url);
  }
}

const HINT = 'push endpoints must be public unless PUSH_ALLOW_PRIVATE allows them';
