import type { Config } from '../config.js';
import type { PublishInput } from '../hub/broker.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { QueueStatsPublisher } from './queue-stats.js';
import { Reminders } from './reminders.js';
import { Scheduler, type ScheduledTask } from './scheduler.js';
import { createWorkParts, type WorkOptions, type WorkParts } from './work-node.js';
import { createWorkQueue, type WorkQueue } from './work-queue.js';

export interface WorkDeps {
  /** Where `queue.stats` goes (the hub: derived from committed state, it skips the outbox). */
  readonly publish: (input: PublishInput) => Promise<unknown>;
  /** Tasks the scheduler runs after the work's own (due scrapes, due reminders): the inbox's retention, say. */
  readonly scheduled?: readonly { readonly name: string; readonly run: ScheduledTask }[];
}

/** A `serve` node's work: the work parts, where they run, the scheduler and the queue statistics. */
export interface NodeWork extends WorkParts {
  /** Where the work runs: the embedded runner, or BullMQ with REDIS_URL (work-queue.ts). */
  readonly execution: WorkQueue;
  readonly reminders: Reminders;
  /** Runs the scheduled tasks every SCHEDULER_TICK_MS. */
  readonly timetable: Scheduler;
  readonly queueStats: QueueStatsPublisher;
}

/** Builds a node's work (not started: the lifecycle starts and stops its background parts). */
export function createWork(
  store: Store,
  config: Config,
  logger: Logger,
  deps: WorkDeps,
  options: WorkOptions = {},
): NodeWork {
  const parts = createWorkParts(store, config, logger, options);
  const execution = createWorkQueue(config, logger, 'node')(parts);
  const reminders = new Reminders(store);
  const timetable = new Scheduler(
    [
      { name: 'scrapes', run: (at) => parts.scrapes.queueDue(at) },
      { name: 'reminders', run: (at) => reminders.send(at) },
      ...(deps.scheduled ?? []),
    ],
    { tickMs: config.schedulerTickMs, logger },
  );
  const queueStats = new QueueStatsPublisher(parts.work, deps.publish, { logger });
  return { ...parts, execution, reminders, timetable, queueStats };
}
