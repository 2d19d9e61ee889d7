export type RateVerdict = 'ok' | 'limited' | 'flood';

/**
 * A token bucket for one connection's inbound messages. An excess is refused ('limited'); when the
 * client goes on sending past a second burst's worth of refusals, it is a flood ('flood').
 */
export class RateLimiter {
  #tokens: number;
  #last: number;
  #refused = 0;

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
    this.#refused++;
    return this.#refused > this.burst ? 'flood' : 'limited';
  }
}
