import { randomBytes } from 'node:crypto';
import type { CanonicalEvent } from '@jobstream/protocol';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type {
  Broker,
  BrokerHealth,
  BrokerStats,
  HistoryLimits,
  HistoryRead,
  PublishInput,
  PublishOutcome,
} from './broker.js';
import { encodeData } from './encode-data.js';
import { LiveOrder } from './live-order.js';
import { HISTORY_LUA, PUBLISH_LUA, type HistoryReply, type PublishReply } from './redis-scripts.js';

export interface RedisBrokerOptions {
  /** redis:// or rediss:// URL. */
  readonly url: string;
  /** Put before every key and channel, so that several clusters (or test runs) share one Redis. @default 'jobstream:' */
  readonly prefix?: string | undefined;
  readonly limits: HistoryLimits;
  /** @default 5 minutes */
  readonly idempotencyWindowMs?: number | undefined;
  /** How long the first connection may take, retries included, before `connect` gives up. @default 5000 */
  readonly connectTimeoutMs?: number | undefined;
  /** Names the connections in Redis's CLIENT LIST: `<name>-commands`, `<name>-subscriber`. @default 'jobstream' */
  readonly name?: string | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * Candidate epochs, one per script call (a publish or a read may start a topic's history): 6 random bytes
 * each, cut from a buffer filled 256 at a time, since one randomBytes call per publish costs a few µs
 * (more than encoding a small event's data). Each candidate is still fresh random bytes, never handed
 * out twice, so an epoch still names one history only.
 */
let epochPool = Buffer.alloc(0);
let epochAt = 0;
const newEpoch = (): string => {
  if (epochAt >= epochPool.length) {
    epochPool = randomBytes(6 * 256);
    epochAt = 0;
  }
  epochAt += 6;
  return epochPool.toString('base64url', epochAt - 6, epochAt);
};
/** Topic state outlives its history by this much, so that a quiet topic keeps its epoch and seq. */
const META_TTL_MIN_MS = 24 * 60 * 60 * 1000;

/**
 * The broker of a cluster: every node shares one Redis. Each topic has a hash (its epoch and latest seq)
 * and a stream (its history, trimmed by count and age); a Lua script publishes atomically (seq, history,
 * idempotency key, PUBLISH), so nodes agree on order. Live events come over a second, subscribing
 * connection, except that the node that published an event hands it on as soon as the script answers
 * when it is the next seq there (then its echo is dropped). A flushed Redis loses the hashes: the next
 * publish or read starts a new epoch.
 */
export class RedisBroker implements Broker {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #limits: HistoryLimits;
  readonly #idempotencyWindowMs: number;
  readonly #metaTtlMs: number;
  readonly #logger: Logger | undefined;
  readonly #live: LiveOrder;
  /** Every topic's channel name is this and the topic. */
  readonly #channelPrefix: string;
  #listener: (event: CanonicalEvent) => void = () => {};
  #resetListener: (topic: string) => void = () => {};
  #refresher: NodeJS.Timeout | undefined;
  #connected = false;
  #closed = false;
  #errors = 0;
  #reconnects = 0;

  private constructor(options: RedisBrokerOptions) {
    this.#prefix = options.prefix ?? 'jobstream:';
    this.#limits = options.limits;
    this.#idempotencyWindowMs = options.idempotencyWindowMs ?? 5 * 60_000;
    this.#metaTtlMs = Math.max(META_TTL_MIN_MS, options.limits.maxAgeMs * 2);
    this.#logger = options.logger;
    this.#channelPrefix = `${this.#prefix}events:`;
    this.#live = new LiveOrder({
      history: (topic, since) => this.history(topic, since),
      deliver: (event) => this.#listener(event),
      reset: (topic) => this.#resetListener(topic),
      logger: options.logger,
    });
    const connectDeadline = Date.now() + (options.connectTimeoutMs ?? 5_000);
    const client = (name: string): Redis =>
      new Redis(options.url, {
        lazyConnect: true,
        connectionName: `${options.name ?? 'jobstream'}-${name}`,
        // At start, retry until the deadline, then give up (connect() rejects); later, retry for ever.
        retryStrategy: (times) =>
          this.#closed
            ? null
            : this.#connected
              ? Math.min(times * 100, 2_000)
              : Date.now() < connectDeadline
                ? Math.min(times * 100, 1_000)
                : null,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
      });
    this.#commands = client('commands');
    this.#subscriber = client('subscriber');
    this.#commands.defineCommand('jobstreamPublish', { lua: PUBLISH_LUA });
    this.#commands.defineCommand('jobstreamHistory', { lua: HISTORY_LUA, numberOfKeys: 2 });
    this.#subscriber.on('message', (channel: string, message: string) => this.#receive(channel, message));
    this.#subscriber.on('ready', () => {
      if (this.#connected) this.#reconnects++;
      if (this.#connected && !this.#closed) this.#recover();
    });
    this.#commands.on('ready', () => {
      if (this.#connected) this.#reconnects++;
    });
  }

  /**
   * Connects both connections. Rejects with an error naming REDIS_URL when Redis cannot be reached
   * within `connectTimeoutMs`.
   */
  static async connect(options: RedisBrokerOptions): Promise<RedisBroker> {
    const broker = new RedisBroker(options);
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
      broker.#errors++;
      if (broker.#connected) broker.#logger?.warn({ err: error }, 'Redis connection failed; reconnecting');
    };
    broker.#commands.on('error', onError);
    broker.#subscriber.on('error', onError);
    try {
      await Promise.all([broker.#commands.connect(), broker.#subscriber.connect()]);
    } catch (error) {
      broker.#closed = true;
      broker.#commands.disconnect();
      broker.#subscriber.disconnect();
      const why = (lastError ?? (error as Error)).message;
      throw new Error(`REDIS_URL: cannot reach Redis at ${describeUrl(options.url)} (${why})`, {
        cause: error,
      });
    }
    broker.#connected = true;
    // A watched topic keeps its state even when nobody publishes to it for longer than the TTL.
    broker.#refresher = setInterval(() => broker.#refreshWatched(), broker.#metaTtlMs / 4);
    broker.#refresher.unref();
    return broker;
  }

  setListener(listener: (event: CanonicalEvent) => void): void {
    this.#listener = listener;
  }

  setResetListener(listener: (topic: string) => void): void {
    this.#resetListener = listener;
  }

  async publish(input: PublishInput): Promise<PublishOutcome> {
    const { topic } = input;
    const keys = [this.#key(topic, 'meta'), this.#key(topic, 'log')];
    if (input.idempotencyKey !== undefined) keys.push(`${this.#prefix}idem:${input.idempotencyKey}`);
    // Refused here (400) when it cannot be encoded: before the script takes a seq.
    const data = encodeData(input.data);
    const reply = (await this.#run('jobstreamPublish', [
      keys.length,
      ...keys,
      JSON.stringify(topic),
      JSON.stringify(input.type),
      data,
      this.#channel(topic),
      newEpoch(),
      this.#limits.maxEvents,
      this.#limits.maxAgeMs,
      this.#metaTtlMs,
      this.#idempotencyWindowMs,
      topic,
    ])) as PublishReply;
    if (reply[0] === 0) {
      const seq = Number(reply[1]);
      this.#dispatchOwn(topic, reply[2], seq, () => ({
        id: `${topic}@${seq}`,
        topic,
        seq,
        type: input.type,
        ts: reply[3],
        // Decoded from what the script stored, so that this node's subscribers get the very event that
        // history and every other node have (not the publisher's object, which may not be plain JSON).
        data: JSON.parse(data) as unknown,
      }));
      return { topic, seq, duplicate: false };
    }
    const first = reply[1];
    const bar = first.indexOf('|');
    return { topic: first.slice(bar + 1), seq: Number(first.slice(0, bar)), duplicate: true };
  }

  async history(topic: string, since: number | undefined, limit?: number): Promise<HistoryRead> {
    const reply = (await this.#run('jobstreamHistory', [
      this.#key(topic, 'meta'),
      this.#key(topic, 'log'),
      newEpoch(),
      since === undefined ? '' : since,
      since === undefined ? '' : `${since + 1}-0`,
      this.#limits.maxAgeMs,
      this.#metaTtlMs,
      limit ?? 0,
    ])) as HistoryReply;
    const [epoch, seq, complete] = reply;
    if (complete === 0) return { epoch, seq: Number(seq), events: null };
    const events: CanonicalEvent[] = [];
    for (let i = 3; i < reply.length; i++) events.push(JSON.parse(reply[i] as string) as CanonicalEvent);
    return { epoch, seq: Number(seq), events };
  }

  async watch(topic: string): Promise<void> {
    const watch = this.#live.add(topic);
    if (!watch) return;
    try {
      // Resolves once Redis confirms: every PUBLISH it runs from then on reaches this connection.
      await this.#subscriber.subscribe(this.#channel(topic));
    } catch (error) {
      this.unwatch(topic);
      throw error;
    }
    // Where live delivery starts, so that a gap before the first live event is seen too. Not awaited:
    // until it is known, the first event is taken as it comes.
    this.#commands.hmget(this.#key(topic, 'meta'), 'epoch', 'seq').then(
      ([epoch, seq]) => this.#live.startAt(watch, epoch, seq),
      (error: unknown) => this.#logger?.warn({ err: error, topic }, 'Redis: reading a topic’s seq failed'),
    );
  }

  unwatch(topic: string): void {
    if (!this.#live.remove(topic)) return;
    if (this.#closed) return;
    this.#subscriber.unsubscribe(this.#channel(topic)).catch((error: unknown) => {
      this.#logger?.warn({ err: error, topic }, 'Redis UNSUBSCRIBE failed');
    });
  }

  health(): BrokerHealth {
    return { errors: this.#errors, reconnects: this.#reconnects };
  }

  async watchedAnywhere(topic: string): Promise<boolean> {
    // Each node SUBSCRIBEs to a topic's channel while one of its clients reads it (watch/unwatch).
    const reply = await this.#commands.pubsub('NUMSUB', this.#channel(topic));
    return Number(reply[1]) > 0;
  }

  async ping(timeoutMs: number): Promise<void> {
    // Commands wait in ioredis's queue while it reconnects: not connected is an answer at once.
    if (this.#commands.status !== 'ready') throw new Error(`Redis is ${this.#commands.status}`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.#commands.ping(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): BrokerStats {
    // History lives in Redis, shared by the cluster; this node counts only what it watches.
    return { topics: this.#live.size, historyEvents: 0 };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refresher);
    this.#live.clear();
    await Promise.all([quit(this.#commands), quit(this.#subscriber)]);
  }

  /**
   * Hands an event this node published to its own subscribers as soon as the script answered, instead
   * of when Redis's PUBLISH comes back over the subscriber connection: the live order takes it only
   * when it is the next seq, and leaves every other case to the channel (why that is safe:
   * LiveOrder.published). Never throws: the event is in history already, so the publish succeeded.
   */
  #dispatchOwn(topic: string, epoch: string, seq: number, event: () => CanonicalEvent): void {
    try {
      this.#live.published(topic, epoch, seq, event);
    } catch (error) {
      this.#logger?.error({ err: error, topic, seq }, 'handing a published event to this node failed');
    }
  }

  /** One live event from Redis ("<epoch> <event JSON>"). */
  #receive(channel: string, message: string): void {
    const space = message.indexOf(' ');
    const epoch = message.slice(0, space);
    // The echo of an event this node handed on when it published it (and any event of a topic no longer
    // watched) is dropped without decoding it: the seq is read off the JSON as the script wrote it
    // ('{"id":"…","topic":"…","seq":N,…'). The first ',"seq":' is that field: inside a JSON string
    // every '"' is escaped, so the id and topic before it cannot hold one. Not found: decoded as before.
    const seq = seqOf(message, space);
    const topic = channel.slice(this.#channelPrefix.length);
    if (seq > 0 && this.#live.stale(topic, epoch, seq)) return;
    const event = JSON.parse(message.slice(space + 1)) as CanonicalEvent;
    this.#live.receive({ epoch, event });
  }

  /** After the subscriber reconnected (and resubscribed): fetches what every watched topic missed. */
  #recover(): void {
    // ioredis sends the SUBSCRIBEs right after 'ready': a PING queued after them answers once they are in.
    setImmediate(() => {
      this.#subscriber.ping().then(
        () => this.#live.recover(),
        (error: unknown) => this.#logger?.warn({ err: error }, 'Redis: recovery after reconnect failed'),
      );
    });
  }

  #refreshWatched(): void {
    const topics = [...this.#live.topics()];
    for (let i = 0; i < topics.length; i += 1000) {
      const pipeline = this.#commands.pipeline();
      for (const topic of topics.slice(i, i + 1000))
        pipeline.pexpire(this.#key(topic, 'meta'), this.#metaTtlMs);
      pipeline.exec().catch((error: unknown) => {
        this.#logger?.warn({ err: error }, 'Redis: refreshing watched topics failed');
      });
    }
  }

  #run(command: 'jobstreamPublish' | 'jobstreamHistory', args: (string | number)[]): Promise<unknown> {
    return (this.#commands as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
      command
    ]!(...args);
  }

  #key(topic: string, part: 'meta' | 'log'): string {
    return `${this.#prefix}topic:${topic}:${part}`;
  }

  #channel(topic: string): string {
    return `${this.#channelPrefix}${topic}`;
  }
}

const SEQ_FIELD = ',"seq":';

/** The seq of a live message's event JSON (see #receive), or 0 when it is not where the script puts it. */
function seqOf(message: string, from: number): number {
  const at = message.indexOf(SEQ_FIELD, from);
  if (at < 0) return 0;
  let seq = 0;
  for (let i = at + SEQ_FIELD.length; i < message.length; i++) {
    const digit = message.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return message.charCodeAt(i) === 44 ? seq : 0; // ends at ','
    seq = seq * 10 + digit;
  }
  return 0;
}

/** The URL without credentials, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
