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
 * Turns a time in ms into ISO 8601 UTC (`2026-11-22T10:00:00.000Z`) inside Lua, which has no date library:
 * the days since 1970 become a civil date by the usual era arithmetic (400-year cycles from 0000-03-01).
 */
const LUA_ISO = `
local function iso(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local sod = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    math.floor(sod / 3600), math.floor((sod % 3600) / 60), sod % 60, ms - s * 1000)
end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: meta (hash: epoch, seq), stream, [idempotency key]
 * ARGV: topic as JSON, type as JSON, data as JSON, channel, candidate epoch, max events, max age ms,
 *       meta TTL ms, idempotency window ms, topic
 * Returns {0, seq} for a new event, {1, "seq|topic"} for a duplicate idempotency key.
 * PUBLISHes "<epoch> <event JSON>".
 *
 * The stream entry's id is `seq-0`, so that a replay is one XRANGE from `since + 1`; its fields are `t`
 * (ms, for age) and `e` (the event's JSON, exactly what PUBLISH sends).
 */
const PUBLISH_LUA = `${LUA_ISO}
local meta, stream, idem = KEYS[1], KEYS[2], KEYS[3]
if idem then
  local first = redis.call('GET', idem)
  if first then return {1, first} end
end
local now = nowMs()
local epoch = ARGV[5]
if redis.call('HSETNX', meta, 'epoch', epoch) == 1 then
  -- A new history: whatever an older one left behind must not be served under it.
  redis.call('DEL', stream)
else
  epoch = redis.call('HGET', meta, 'epoch')
end
local seq = redis.call('HINCRBY', meta, 'seq', 1)
local event = '{"id":' .. string.sub(ARGV[1], 1, -2) .. '@' .. seq .. '","topic":' .. ARGV[1] ..
  ',"seq":' .. seq .. ',"type":' .. ARGV[2] .. ',"ts":"' .. iso(now) .. '","data":' .. ARGV[3] .. '}'
redis.call('XADD', stream, 'MAXLEN', ARGV[6], seq .. '-0', 't', now, 'e', event)
-- Age: drop the oldest entries while they are too old (reads check age too, so this may lag).
local cutoff = now - tonumber(ARGV[7])
local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
if oldest and tonumber(oldest[2][2]) < cutoff then
  for _ = 1, 32 do
    local batch = redis.call('XRANGE', stream, '-', '+', 'COUNT', 64)
    local keep = nil
    for _, entry in ipairs(batch) do
      if tonumber(entry[2][2]) >= cutoff then keep = entry[1] break end
    end
    if keep then
      redis.call('XTRIM', stream, 'MINID', keep)
      break
    end
    if #batch == 0 then break end
    local last = batch[#batch][1]
    redis.call('XTRIM', stream, 'MINID', (tonumber(string.match(last, '^(%d+)')) + 1) .. '-0')
  end
end
redis.call('PEXPIRE', stream, ARGV[7])
redis.call('PEXPIRE', meta, ARGV[8])
if idem then redis.call('SET', idem, seq .. '|' .. ARGV[10], 'PX', ARGV[9]) end
redis.call('PUBLISH', ARGV[4], epoch .. ' ' .. event)
return {0, seq}
`;

/**
 * KEYS: meta, stream
 * ARGV: candidate epoch, since ('' for none), first stream id to read, max age ms, meta TTL ms,
 *       most events to return (0: all)
 * Returns {epoch, seq, complete (1|0), event JSON…}: complete 0 means history does not reach back.
 */
const HISTORY_LUA = `${LUA_ISO}
local meta, stream = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
local seq = 0
if epoch then
  seq = tonumber(redis.call('HGET', meta, 'seq') or '0')
else
  epoch = ARGV[1]
  redis.call('HSET', meta, 'epoch', epoch, 'seq', 0)
  redis.call('DEL', stream)
end
redis.call('PEXPIRE', meta, ARGV[5])
if ARGV[2] == '' then return {epoch, seq, 1} end
local since = tonumber(ARGV[2])
if since > seq then return {epoch, seq, 0} end
if since == seq then return {epoch, seq, 1} end
local want = seq - since
local limit = tonumber(ARGV[6])
local entries
if limit > 0 and limit < want then
  want = limit
  entries = redis.call('XRANGE', stream, ARGV[3], '+', 'COUNT', limit)
else
  entries = redis.call('XRANGE', stream, ARGV[3], '+')
end
-- Ids are distinct seqs in (since, seq]: as many entries as seqs means every one is there; a page is
-- whole when it starts at since + 1 and ends want seqs later.
if #entries ~= want then return {epoch, seq, 0} end
if limit > 0 and tonumber(string.match(entries[#entries][1], '^(%d+)')) ~= since + want then
  return {epoch, seq, 0}
end
if tonumber(entries[1][2][2]) < nowMs() - tonumber(ARGV[4]) then return {epoch, seq, 0} end
local out = {epoch, seq, 1}
for i, entry in ipairs(entries) do out[i + 3] = entry[2][4] end
return out
`;

type PublishReply = [0, number] | [1, string];
type HistoryReply = [string, number, 0 | 1, ...string[]];

/** A live event as it came from Redis. */
interface Live {
  readonly epoch: string;
  readonly event: CanonicalEvent;
}

/** The state of one watched topic on this node. */
interface Watch {
  /** watch() calls not yet matched by unwatch(). */
  count: number;
  /** The epoch of the events handed to the listener. */
  epoch: string | undefined;
  /** The highest seq handed to the listener; 0 before the first. */
  lastSeq: number;
  /** The topic's seq just after SUBSCRIBE was confirmed (every later event comes live); unknown at first. */
  floor: number | undefined;
  /** While a gap is being filled from history, the live events that arrive meanwhile. */
  held: Live[] | undefined;
}

const newEpoch = (): string => randomBytes(6).toString('base64url');
/** Topic state outlives its history by this much, so that a quiet topic keeps its epoch and seq. */
const META_TTL_MIN_MS = 24 * 60 * 60 * 1000;

/**
 * The broker of a cluster: every node shares one Redis. Each topic has a hash (its epoch and latest seq)
 * and a stream (its history, trimmed by count and age); a Lua script publishes atomically (seq, history,
 * idempotency key, PUBLISH), so nodes agree on order. Live events come over a second, subscribing
 * connection. A flushed Redis loses the hashes: the next publish or read starts a new epoch.
 */
export class RedisBroker implements Broker {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #limits: HistoryLimits;
  readonly #idempotencyWindowMs: number;
  readonly #metaTtlMs: number;
  readonly #logger: Logger | undefined;
  readonly #watched = new Map<string, Watch>();
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
    this.#subscriber.on('message', (_channel: string, message: string) => this.#receive(message));
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
    const keys = [this.#key(input.topic, 'meta'), this.#key(input.topic, 'log')];
    if (input.idempotencyKey !== undefined) keys.push(`${this.#prefix}idem:${input.idempotencyKey}`);
    const reply = (await this.#run('jobstreamPublish', [
      keys.length,
      ...keys,
      JSON.stringify(input.topic),
      JSON.stringify(input.type),
      // Refused here (400) when it cannot be encoded: before the script takes a seq.
      encodeData(input.data),
      this.#channel(input.topic),
      newEpoch(),
      this.#limits.maxEvents,
      this.#limits.maxAgeMs,
      this.#metaTtlMs,
      this.#idempotencyWindowMs,
      input.topic,
    ])) as PublishReply;
    if (reply[0] === 0) return { topic: input.topic, seq: Number(reply[1]), duplicate: false };
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
    const existing = this.#watched.get(topic);
    if (existing) {
      existing.count++;
      return;
    }
    const watch: Watch = { count: 1, epoch: undefined, lastSeq: 0, floor: undefined, held: undefined };
    this.#watched.set(topic, watch);
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
      ([epoch, seq]) => {
        if (epoch === null) {
          // Nothing published yet: whichever epoch comes, live delivery starts at its seq 1.
          if (watch.epoch === undefined) watch.floor = 0;
          return;
        }
        watch.epoch ??= epoch;
        if (watch.epoch === epoch) watch.floor = Number(seq ?? 0);
      },
      (error: unknown) => this.#logger?.warn({ err: error, topic }, 'Redis: reading a topic’s seq failed'),
    );
  }

  unwatch(topic: string): void {
    const watch = this.#watched.get(topic);
    if (!watch) return;
    if (--watch.count > 0) return;
    this.#watched.delete(topic);
    if (this.#closed) return;
    this.#subscriber.unsubscribe(this.#channel(topic)).catch((error: unknown) => {
      this.#logger?.warn({ err: error, topic }, 'Redis UNSUBSCRIBE failed');
    });
  }

  health(): BrokerHealth {
    return { errors: this.#errors, reconnects: this.#reconnects };
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
    return { topics: this.#watched.size, historyEvents: 0 };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refresher);
    this.#watched.clear();
    await Promise.all([quit(this.#commands), quit(this.#subscriber)]);
  }

  /** One live event from Redis ("<epoch> <event JSON>"). */
  #receive(message: string): void {
    const space = message.indexOf(' ');
    const event = JSON.parse(message.slice(space + 1)) as CanonicalEvent;
    const watch = this.#watched.get(event.topic);
    if (!watch) return;
    const live: Live = { epoch: message.slice(0, space), event };
    if (watch.held) watch.held.push(live);
    else this.#offer(watch, live);
  }

  /**
   * Hands a live event on in seq order: a seq already handed on (read from history first) is dropped,
   * and a gap (events missed while the subscriber reconnected) is first filled from history.
   */
  #offer(watch: Watch, live: Live): void {
    const { epoch, event } = live;
    if (watch.epoch !== epoch) {
      // A new history (Redis lost its data): seqs start over.
      const lost = watch.epoch !== undefined;
      if (lost) {
        watch.lastSeq = 0;
        watch.floor = 0;
      }
      watch.epoch = epoch;
      if (lost) this.#resetListener(event.topic);
    }
    if (event.seq <= watch.lastSeq) return;
    const expected = watch.lastSeq > 0 ? watch.lastSeq : watch.floor;
    if (expected !== undefined && event.seq > expected + 1) {
      watch.held = [live];
      void this.#fillGap(event.topic, watch, expected);
      return;
    }
    watch.lastSeq = event.seq;
    this.#listener(event);
  }

  /** Reads the events after `from` from history, hands them on, then the live events held meanwhile. */
  async #fillGap(topic: string, watch: Watch, from: number): Promise<void> {
    let missed: readonly CanonicalEvent[] = [];
    try {
      const read = await this.history(topic, from);
      if (read.events === null || read.epoch !== watch.epoch) {
        this.#logger?.error({ topic, after: from }, 'live events lost: history no longer holds them');
      } else {
        missed = read.events;
      }
    } catch (error) {
      this.#logger?.error({ err: error, topic, after: from }, 'live events lost: history read failed');
    }
    const held = watch.held ?? [];
    watch.held = undefined;
    if (this.#watched.get(topic) !== watch) return;
    for (const event of missed) {
      if (event.seq <= watch.lastSeq) continue;
      watch.lastSeq = event.seq;
      this.#listener(event);
    }
    // What history could not give is lost: carry on from the first event held.
    const first = held[0];
    if (first && first.epoch === watch.epoch && first.event.seq > watch.lastSeq + 1) {
      watch.lastSeq = first.event.seq - 1;
    }
    for (let i = 0; i < held.length; i++) {
      const again = holding(watch);
      if (again) {
        // Another gap: the rest waits for it to be filled.
        again.push(...held.slice(i));
        return;
      }
      this.#offer(watch, held[i]!);
    }
  }

  /** After the subscriber reconnected (and resubscribed): fetches what every watched topic missed. */
  #recover(): void {
    // ioredis sends the SUBSCRIBEs right after 'ready': a PING queued after them answers once they are in.
    setImmediate(() => {
      this.#subscriber.ping().then(
        () => {
          for (const [topic, watch] of this.#watched) {
            const from = watch.lastSeq > 0 ? watch.lastSeq : watch.floor;
            if (watch.held || from === undefined) continue;
            watch.held = [];
            void this.#fillGap(topic, watch, from);
          }
        },
        (error: unknown) => this.#logger?.warn({ err: error }, 'Redis: recovery after reconnect failed'),
      );
    });
  }

  #refreshWatched(): void {
    const topics = [...this.#watched.keys()];
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
    return `${this.#prefix}events:${topic}`;
  }
}

/** The events held for a watch (a call, so that the compiler does not keep an earlier narrowing). */
const holding = (watch: Watch): Live[] | undefined => watch.held;

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
