import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { WorkerHealth, WorkRunner } from './runner.js';
import type { WorkService } from './work-service.js';

/** The BullMQ queue every node and worker of a cluster shares (under REDIS_PREFIX). */
const QUEUE = 'work';
/** A worker's heartbeat lives this long in Redis; it is renewed three times as often. */
const HEARTBEAT_TTL_S = 15;

export interface BullSettings {
  readonly redisUrl: string;
  /** REDIS_PREFIX: BullMQ's keys go under `${prefix}queue`. */
  readonly prefix: string;
  readonly logger?: Logger;
}

/** One Redis connection as BullMQ wants it (blocking commands must not time out). */
/**
 * A connection for the work queue. An outage surfaces on the commands that fail (and on /ready); the
 * connection's own error events would otherwise be printed by ioredis as unhandled, once per retry.
 */
const quiet = (redis: Redis): Redis => redis.on('error', () => undefined);
const connect = (url: string): Redis => quiet(new Redis(url, { maxRetriesPerRequest: null }));
const bullPrefix = (prefix: string): string => `${prefix}queue`;

/** The BullMQ job of one attempt of a work job: a retry is a new attempt, hence a new BullMQ job. */
const attemptId = (id: string, retries: number): string => `${id}.${retries}`;

/**
 * Puts queued work on the BullMQ queue (with REDIS_URL). The store stays the truth about every job: a
 * job is handed out when it is queued in this process (at once) and by a sweep of the store (work
 * queued by another process, a retry whose backoff ends, anything a crash left out), and BullMQ's job id
 * (work id + attempt) makes handing the same attempt out twice harmless.
 */
export class BullDispatcher {
  readonly #work: WorkService;
  readonly #redis: Redis;
  readonly #queue: Queue;
  readonly #sweepMs: number;
  readonly #logger: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(work: WorkService, settings: BullSettings & { sweepMs?: number }) {
    this.#work = work;
    this.#redis = connect(settings.redisUrl);
    this.#queue = new Queue(QUEUE, { connection: this.#redis, prefix: bullPrefix(settings.prefix) });
    this.#sweepMs = settings.sweepMs ?? 1000;
    this.#logger = settings.logger;
  }

  start(): void {
    if (this.#unlisten) return;
    this.#unlisten = this.#work.onChange((_type, job) => {
      if (job.status === 'queued') this.#sweep();
    });
    this.#timer = setInterval(() => this.#sweep(), this.#sweepMs);
    this.#timer.unref();
    this.#sweep();
  }

  async stop(): Promise<void> {
    this.#unlisten?.();
    this.#unlisten = undefined;
    clearInterval(this.#timer);
    await this.#sweeping;
    await this.#queue.close();
    this.#redis.disconnect();
  }

  #sweep(): void {
    if (this.#sweeping) return;
    this.#sweeping = this.#handOut()
      .catch((error: unknown) => this.#logger?.warn({ err: error }, 'could not hand queued work to BullMQ'))
      .finally(() => (this.#sweeping = undefined));
  }

  async #handOut(): Promise<void> {
    const queued = await this.#work.queued(1000);
    if (queued.length === 0) return;
    const now = Date.now();
    await this.#queue.addBulk(
      queued.map((job) => ({
        name: 'run',
        data: { id: job.id },
        opts: {
          jobId: attemptId(job.id, job.retries),
          delay: Math.max(0, Date.parse(job.run_after) - now),
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}

export interface BullWorkerOptions extends BullSettings {
  readonly concurrency: number;
  /**
   * How long a worker holds a job without renewing its lock; a worker silent that long (dead, say)
   * has its job handed out again, which then counts as a retry. @default 30000
   */
  readonly lockMs?: number;
}

/** `jobstream worker`: takes work off the BullMQ queue and runs it through the runner's pipelines. */
export class BullWorker {
  readonly #runner: WorkRunner;
  readonly #redis: Redis;
  readonly #worker: Worker;
  readonly #id = randomUUID();
  readonly #heartbeatKey: string;
  readonly #concurrency: number;
  #heartbeat: NodeJS.Timeout | undefined;
  #running = 0;

  constructor(runner: WorkRunner, options: BullWorkerOptions) {
    this.#runner = runner;
    this.#concurrency = options.concurrency;
    this.#redis = connect(options.redisUrl);
    this.#heartbeatKey = `${options.prefix}workers:${this.#id}`;
    const lockMs = options.lockMs ?? 30_000;
    this.#worker = new Worker<{ id: string }>(
      QUEUE,
      async (job) => {
        this.#running++;
        try {
          // A second start of the same BullMQ job means its first worker stopped renewing the lock.
          await this.#runner.runById(job.data.id, (job.attemptsStarted ?? 1) > 1);
        } finally {
          this.#running--;
        }
      },
      {
        connection: connect(options.redisUrl),
        prefix: bullPrefix(options.prefix),
        concurrency: options.concurrency,
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        // The store counts retries: BullMQ must never give up on a job by itself.
        maxStalledCount: 1_000_000,
        autorun: false,
      },
    );
    this.#worker.on('error', (error) => options.logger?.warn({ err: error }, 'BullMQ worker error'));
  }

  async start(): Promise<void> {
    await this.#beat();
    this.#heartbeat = setInterval(
      () => void this.#beat().catch(() => undefined),
      (HEARTBEAT_TTL_S * 1000) / 3,
    );
    this.#heartbeat.unref();
    void this.#worker.run();
    await this.#worker.waitUntilReady();
  }

  /** Stops taking work, aborts what runs (its store rows stay `running` until redelivered), disconnects. */
  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    const closing = this.#worker.close(true);
    await this.#runner.stop();
    await closing;
    await this.#redis.del(this.#heartbeatKey).catch(() => undefined);
    this.#redis.disconnect();
  }

  async #beat(): Promise<void> {
    const health = {
      id: this.#id,
      host: hostname(),
      pid: process.pid,
      concurrency: this.#concurrency,
      running: this.#running,
    };
    await this.#redis.set(this.#heartbeatKey, JSON.stringify(health), 'EX', HEARTBEAT_TTL_S);
  }
}

/** The workers whose heartbeat is in Redis, summed up as `/api/v1/stats` shows them. */
export class WorkerRoster {
  readonly #redis: Redis;
  readonly #prefix: string;
  #last: WorkerHealth = { alive: 0, concurrency: 0, running: 0 };
  #timer: NodeJS.Timeout | undefined;

  constructor(settings: BullSettings) {
    this.#redis = quiet(new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true }));
    this.#prefix = settings.prefix;
  }

  /** The last reading (refreshed every few seconds), so that stats never wait on Redis. */
  health(): WorkerHealth {
    return this.#last;
  }

  start(): void {
    const read = () => void this.#read().catch(() => undefined);
    read();
    this.#timer = setInterval(read, 2000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#redis.disconnect();
  }

  async #read(): Promise<void> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', `${this.#prefix}workers:*`, 'COUNT', 100);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const values = keys.length > 0 ? await this.#redis.mget(keys) : [];
    let concurrency = 0;
    let running = 0;
    let alive = 0;
    for (const value of values) {
      if (value === null) continue;
      const worker = JSON.parse(value) as { concurrency?: number; running?: number };
      alive++;
      concurrency += worker.concurrency ?? 0;
      running += worker.running ?? 0;
    }
    this.#last = { alive, concurrency, running };
  }
}
