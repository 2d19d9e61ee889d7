/** job-feed.md's limits: "100 req/min, 1000 req/hour", per connection. */
export const JOB_FEED_PER_MINUTE = 100;
export const JOB_FEED_PER_HOUR = 1000;

/** A token bucket: `capacity` tokens, refilled at `capacity` per `windowMs`. Two numbers of state. */
class Bucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#last = now;
  }

  /** Refills for the time elapsed; returns the tokens available. */
  refill(now: number): number {
    const elapsed = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.capacity) / this.windowMs);
    this.#last = now;
    return this.#tokens;
  }

  take(): void {
    this.#tokens -= 1;
  }

  /** Milliseconds until one token is back. */
  waitMs(): number {
    return Math.max(0, ((1 - this.#tokens) * this.windowMs) / this.capacity);
  }
}

/** Why a message was refused: which limit, and when the client may send again. */
export interface JobFeedRefusal {
  readonly limit: 'minute' | 'hour';
  readonly retryAfterSeconds: number;
}

/**
 * One connection's message allowance: at most 100 a minute and 1000 an hour, each a token bucket (a
 * burst up to the limit, then the limit's average rate). Constant memory per connection; a refused
 * message takes no token, so a client that waits is served again.
 */
export class JobFeedRateLimit {
  readonly #minute: Bucket;
  readonly #hour: Bucket;

  constructor(now = Date.now(), perMinute = JOB_FEED_PER_MINUTE, perHour = JOB_FEED_PER_HOUR) {
    this.#minute = new Bucket(perMinute, 60_000, now);
    this.#hour = new Bucket(perHour, 3_600_000, now);
  }

  /** Takes one message's allowance; null when allowed, else why not. */
  take(now = Date.now()): JobFeedRefusal | null {
    const minute = this.#minute.refill(now);
    const hour = this.#hour.refill(now);
    if (hour < 1) return { limit: 'hour', retryAfterSeconds: Math.ceil(this.#hour.waitMs() / 1000) };
    if (minute < 1) return { limit: 'minute', retryAfterSeconds: Math.ceil(this.#minute.waitMs() / 1000) };
    this.#minute.take();
    this.#hour.take();
    return null;
  }
}

/** The error message of a refusal, in words a user of the document recognises. */
export function rateLimitMessage(refusal: JobFeedRefusal | null): string {
  const base = `Rate limit exceeded: at most ${JOB_FEED_PER_MINUTE} messages per minute and ${JOB_FEED_PER_HOUR} per hour`;
  return refusal ? `${base}; retry in ${refusal.retryAfterSeconds} s` : `${base}; slow down`;
}
