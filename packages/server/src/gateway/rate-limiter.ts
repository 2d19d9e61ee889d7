export type RateVerdict = 'ok' | 'limited' | 'dropped' | 'flood';

/** How often a client that goes on exceeding its rate is told so: at most once a second. */
const NOTICE_INTERVAL_MS = 1000;

/**
 * A token bucket for one connection's inbound messages. An excess is refused: 'limited' when the
 * client is to be told (the first refusal, then at most one a second), else 'dropped'. When the client
 * goes on sending past a second burst's worth of refusals, it is a flood ('flood').
 */
export class RateLimiter {
  #tokens: number;
  #last: number;
  #refused = 0;
  #toldAt = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#last = performance.now();
  }

  take(now = performance.now()): RateVerdict {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.perSecond) / 1000);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#refused = 0;
      return 'ok';
    }
    return this.refuse(now);
  }

  /** A message refused for another reason (too many already waiting): told and counted as an excess. */
  refuse(now = performance.now()): Exclude<RateVerdict, 'ok'> {
    this.#refused++;
    if (this.#refused > this.burst) return 'flood';
    if (now - this.#toldAt < NOTICE_INTERVAL_MS) return 'dropped';
    this.#toldAt = now;
    return 'limited';
  }
}
