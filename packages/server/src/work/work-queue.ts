import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BullDispatcher, BullWorker, WorkerRoster } from './bull-queue.js';
import type { WorkerHealth } from './runner.js';
import type { WorkParts } from './work-node.js';

/** Which process the queue serves: a `serve` node, or a `jobstream worker`. */
export type WorkRole = 'node' | 'worker';

/**
 * Where work runs, whichever backend carries it. Embedded (no REDIS_URL): a node's own runner claims
 * due work from the store. With REDIS_URL: a node puts queued work onto BullMQ and only reports the
 * workers it sees; a `jobstream worker` takes work off BullMQ and runs it through the pipelines.
 */
export interface WorkQueue {
  /** `inline`: the runner over the store, in this process; `bullmq`: BullMQ queues in Redis. */
  readonly backend: 'inline' | 'bullmq';
  start(): Promise<void>;
  /** Stops taking work and waits for what runs (bounded by the runner's stop timeout). */
  stop(): Promise<void>;
  /** What `/api/v1/stats` and `/health` show of the workers. */
  health(): WorkerHealth;
}

/**
 * The work queue REDIS_URL asks for: the one place that decides between the embedded runner and
 * BullMQ. Decided at once, before anything is opened (a `worker` without REDIS_URL has nothing to take
 * work from: a ConfigError); the queue itself is then made over the work parts.
 */
export function createWorkQueue(
  config: Config,
  logger: Logger,
  role: WorkRole,
): (parts: WorkParts) => WorkQueue {
  const redisUrl = config.redisUrl;
  if (redisUrl === undefined) {
    if (role === 'worker') {
      throw new ConfigError(
        'jobstream worker takes its work from Redis: set REDIS_URL or REDIS_HOST (without it, jobstream serve runs the work itself)',
      );
    }
    return (parts) => ({
      backend: 'inline',
      start: () => parts.runner.start(),
      stop: () => parts.runner.stop(),
      health: () => parts.runner.health(),
    });
  }
  const settings = { redisUrl, prefix: config.redisPrefix, logger };
  return (parts) => (role === 'node' ? bullNode(parts, settings) : bullWorker(parts, config, settings));
}

type BullSettings = ConstructorParameters<typeof BullDispatcher>[1];

/** A node with REDIS_URL: hands queued work to BullMQ and watches the workers' heartbeats. */
function bullNode(parts: WorkParts, settings: BullSettings): WorkQueue {
  // BullMQ is loaded at start, and only with Redis: an embedded node never pays for it.
  let bull: { dispatcher: BullDispatcher; roster: WorkerRoster } | undefined;
  return {
    backend: 'bullmq',
    async start() {
      const { BullDispatcher, WorkerRoster } = await import('./bull-queue.js');
      bull = { dispatcher: new BullDispatcher(parts.work, settings), roster: new WorkerRoster(settings) };
      bull.dispatcher.start();
      bull.roster.start();
    },
    async stop() {
      bull?.roster.stop();
      await bull?.dispatcher.stop();
    },
    health: () => bull?.roster.health() ?? { alive: 0, concurrency: 0, running: 0 },
  };
}

/** `jobstream worker`: runs work from BullMQ, and hands its own retries back to the queue. */
function bullWorker(parts: WorkParts, config: Config, settings: BullSettings): WorkQueue {
  let bull: { dispatcher: BullDispatcher; worker: BullWorker } | undefined;
  return {
    backend: 'bullmq',
    async start() {
      const { BullDispatcher, BullWorker } = await import('./bull-queue.js');
      const dispatcher = new BullDispatcher(parts.work, settings);
      const worker = new BullWorker(parts.runner, {
        ...settings,
        concurrency: config.workConcurrency,
        lockMs: config.workLockMs,
      });
      bull = { dispatcher, worker };
      await parts.runner.startDriven();
      dispatcher.start();
      await worker.start();
    },
    async stop() {
      await bull?.worker.stop();
      await bull?.dispatcher.stop();
    },
    health: () => parts.runner.health(),
  };
}
