import http from 'node:http';
import https from 'node:https';
import webpush from 'web-push';
import type { Logger } from '../logger.js';
import type { EndpointPolicy } from './endpoint-policy.js';
import type { StoredSubscription } from './push-subscriptions.js';
import type { VapidKeys } from './vapid-keys.js';

/** Options of `PushSender`. */
export interface PushSenderOptions {
  readonly keys: VapidKeys;
  /** VAPID_SUBJECT: the contact in the VAPID token. */
  readonly subject: string;
  readonly policy: EndpointPolicy;
  /** Called when a push service says a subscription is gone (404, 410) or its endpoint is refused. */
  readonly expire: (endpoint: string) => Promise<void>;
  readonly logger: Logger;
  /** Pushes waiting at most; one more is dropped (and logged). @default 1000 */
  readonly maxQueue?: number;
  /** Requests to push services at once. @default 4 */
  readonly concurrency?: number;
  /** Longest wait for one push service to answer. @default 10000 */
  readonly timeoutMs?: number;
  /** Tries of one push (first included) when the push service fails or asks to wait. @default 3 */
  readonly maxAttempts?: number;
  /** First wait before a retry; doubles per try; a Retry-After wins, up to a minute. @default 1000 */
  readonly retryBaseMs?: number;
  /** How long a push service keeps a push for a browser that is offline (the TTL header). @default 86400 */
  readonly ttlSeconds?: number;
}

interface Job {
  readonly subscription: StoredSubscription;
  readonly payload: string;
  readonly attempt: number;
}

type Outcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'retry'; readonly afterMs?: number }
  | { readonly kind: 'failed'; readonly why: string };

const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Sends encrypted pushes (RFC 8291 aes128gcm, VAPID RFC 8292, through web-push) to push services, off
 * the path that delivers events: `send` only queues. The queue and the requests in flight are bounded;
 * each request has a timeout; a failure that may pass (network, 429, 5xx) is tried again with backoff,
 * a few times; 404 and 410 remove the subscription; anything else is logged and dropped.
 */
export class PushSender {
  readonly #options: Required<Omit<PushSenderOptions, 'logger' | 'policy' | 'expire' | 'keys' | 'subject'>>;
  readonly #deps: PushSenderOptions;
  readonly #queue: Job[] = [];
  readonly #retries = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;
  /** Pushes sent, and those given up on, since start (for tests and logs). */
  sent = 0;
  dropped = 0;

  constructor(options: PushSenderOptions) {
    this.#deps = options;
    this.#options = {
      maxQueue: options.maxQueue ?? 1000,
      concurrency: options.concurrency ?? 4,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxAttempts: options.maxAttempts ?? 3,
      retryBaseMs: options.retryBaseMs ?? 1000,
      ttlSeconds: options.ttlSeconds ?? 86_400,
    };
  }

  /** Queues `payload` for `subscription`; never waits for the push service. */
  send(subscription: StoredSubscription, payload: string): void {
    this.#enqueue({ subscription, payload, attempt: 1 });
  }

  /** Stops sending: retries waiting are dropped; resolves once the requests in flight have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    this.#queue.length = 0;
    await Promise.allSettled([...this.#inFlight]);
  }

  #enqueue(job: Job): void {
    if (this.#stopped) return;
    if (this.#queue.length >= this.#options.maxQueue) {
      this.dropped++;
      this.#deps.logger.warn({ userId: job.subscription.userId }, 'web push queue full; push dropped');
      return;
    }
    this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#inFlight.size < this.#options.concurrency) {
      const job = this.#queue.shift();
      if (!job) return;
      const running: Promise<void> = this.#run(job).finally(() => {
        this.#inFlight.delete(running);
        this.#pump();
      });
      this.#inFlight.add(running);
    }
  }

  async #run(job: Job): Promise<void> {
    const { endpoint, userId } = job.subscription;
    const host = safeHost(endpoint);
    let outcome: Outcome;
    try {
      outcome = await this.#post(job);
    } catch (error) {
      // Whatever went wrong (the address refused included): never thrown into the relay.
      outcome = { kind: 'retry' };
      this.#deps.logger.warn({ err: error, host, userId, attempt: job.attempt }, 'web push request failed');
      if (error instanceof RefusedEndpoint) outcome = { kind: 'gone' };
    }
    switch (outcome.kind) {
      case 'sent':
        this.sent++;
        return;
      case 'gone':
        this.#deps.logger.info({ host, userId }, 'web push subscription gone; removed');
        await this.#deps.expire(endpoint).catch((error: unknown) => {
          this.#deps.logger.error({ err: error, host }, 'could not remove an expired push subscription');
        });
        return;
      case 'failed':
        this.dropped++;
        this.#deps.logger.warn({ host, userId, why: outcome.why }, 'web push refused by the push service');
        return;
      case 'retry': {
        if (job.attempt >= this.#options.maxAttempts) {
          this.dropped++;
          this.#deps.logger.warn({ host, userId, attempts: job.attempt }, 'web push given up after retries');
          return;
        }
        const wait = Math.min(
          outcome.afterMs ?? this.#options.retryBaseMs * 2 ** (job.attempt - 1),
          MAX_RETRY_AFTER_MS,
        );
        const timer = setTimeout(() => {
          this.#retries.delete(timer);
          this.#enqueue({ ...job, attempt: job.attempt + 1 });
        }, wait);
        timer.unref();
        this.#retries.add(timer);
        return;
      }
    }
  }

  #post(job: Job): Promise<Outcome> {
    const { keys, subject, policy } = this.#deps;
    const { endpoint, p256dh, auth } = job.subscription;
    const refused = policy.refusal(endpoint);
    if (refused !== undefined) return Promise.reject(new RefusedEndpoint(refused));
    const details = webpush.generateRequestDetails({ endpoint, keys: { p256dh, auth } }, job.payload, {
      vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
      TTL: this.#options.ttlSeconds,
      contentEncoding: 'aes128gcm',
      urgency: 'high',
    });
    const url = new URL(endpoint);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: details.headers,
          // A connection of its own: a pooled socket would skip the lookup that checks the address.
          agent: false,
          lookup: policy.lookupFor(url),
          timeout: this.#options.timeoutMs,
        },
        (res) => {
          res.resume(); // the answer's body says nothing we act on
          resolve(classify(res.statusCode ?? 0, res.headers['retry-after']));
        },
      );
      // The socket's idle timeout, and a deadline for the whole answer (a service that trickles bytes).
      const late = (): void => {
        req.destroy(new Error(`no answer within ${this.#options.timeoutMs} ms`));
      };
      const deadline = setTimeout(late, this.#options.timeoutMs);
      deadline.unref();
      req.on('timeout', late);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', reject);
      req.end(details.body ?? undefined);
    });
  }
}

/** The endpoint may no longer be pushed to (the address policy refuses it): the subscription goes. */
class RefusedEndpoint extends Error {
  override readonly name = 'RefusedEndpoint';
}

function classify(status: number, retryAfter: string | undefined): Outcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone' };
  if (status === 429 || status >= 500) {
    const seconds = Number(retryAfter);
    return { kind: 'retry', ...(Number.isFinite(seconds) && seconds >= 0 && { afterMs: seconds * 1000 }) };
  }
  // 400 (bad request), 403 (the VAPID key differs from the one subscribed with), 413 (too large)…
  return { kind: 'failed', why: `HTTP ${status}` };
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '(not a URL)';
  }
}
