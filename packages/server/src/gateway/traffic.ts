/**
 * What one endpoint's connections have sent and received, as plain counters: adding to a number is the
 * cheapest thing the hot path can do. The metrics endpoint reads them when it is scraped. Frames and
 * bytes out are counted once per write (a flush of a connection's queued frames), never per event.
 */
export class EndpointTraffic {
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  /** Connections closed with 4008 because they fell behind. */
  slowConsumerCuts = 0;
  /** Client messages refused as over the rate limit (or with too many waiting). */
  rateLimited = 0;

  received(bytes: number): void {
    this.messagesIn++;
    this.bytesIn += bytes;
  }

  wrote(frames: number, bytes: number): void {
    this.messagesOut += frames;
    this.bytesOut += bytes;
  }
}

/** The traffic of every endpoint of this node, by endpoint name. */
export class Traffic {
  readonly #byEndpoint = new Map<string, EndpointTraffic>();

  /** The counters of `endpoint`, made on first use; connections keep the object they were given. */
  of(endpoint: string): EndpointTraffic {
    let traffic = this.#byEndpoint.get(endpoint);
    if (!traffic) {
      traffic = new EndpointTraffic();
      this.#byEndpoint.set(endpoint, traffic);
    }
    return traffic;
  }

  entries(): IterableIterator<[string, EndpointTraffic]> {
    return this.#byEndpoint.entries();
  }
}
