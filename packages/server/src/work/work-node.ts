import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { PostingService } from '../domain/postings.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { Analyses } from './analysis/analyses.js';
import type { BullDispatcher, WorkerRoster } from './bull-queue.js';
import { createEvaluator } from './matching/index.js';
import { MatchingRuns } from './matching-runs.js';
import { Recommendations } from './recommendations.js';
import { WorkRunner, type WorkerHealth } from './runner.js';
import { Scrapes } from './scrape/scrapes.js';
import { SourcePolicy } from './scrape/source-policy.js';
import { SourceService } from './scrape/sources.js';
import type { Pipelines } from './work-job.js';
import { WorkService } from './work-service.js';

export interface WorkOptions {
  /** Pipelines by kind, added to (and overriding) the built-in ones: tests register their own. */
  readonly pipelines?: Pipelines;
  /** The runner's tuning (tests shorten the retry backoff). */
  readonly concurrency?: number;
  readonly retryBaseMs?: number;
  /** `serve --demo`: the demo's scrape sources are listed and scraped (else left alone). */
  readonly demo?: boolean;
  /** Whether the local owner is the user now (auth/local-owner.ts): every new posting is analysed for them. */
  readonly localOwner?: () => Promise<boolean>;
}

/** The work queue, its pipelines and the services they need: the same in `serve` and `worker`. */
export interface WorkParts {
  readonly work: WorkService;
  readonly postings: PostingService;
  readonly matching: MatchingRuns;
  readonly analyses: Analyses;
  readonly recommendations: Recommendations;
  readonly sources: SourceService;
  /** Which URLs sources may fetch; the demo lets its own boards through. */
  readonly sourcePolicy: SourcePolicy;
  readonly scrapes: Scrapes;
  readonly runner: WorkRunner;
}

export function createWorkParts(
  store: Store,
  config: Config,
  logger: Logger,
  options: WorkOptions & { mode: 'store' | 'external' },
): WorkParts {
  const work = new WorkService(store, { retryBaseMs: options.retryBaseMs });
  const postings = new PostingService(store, { authRequired: config.authRequired });
  const matching = new MatchingRuns(store, work, evaluatorFor(config, logger));
  const analyses = new Analyses(store, work, postings, options.localOwner);
  const recommendations = new Recommendations(store, work);
  const sourcePolicy = new SourcePolicy({ allowPrivate: config.sourceAllowPrivate });
  const sources = new SourceService(store, {
    authRequired: config.authRequired,
    policy: sourcePolicy,
    demo: options.demo,
  });
  const scrapes = new Scrapes(store, work, sources, postings, {
    authRequired: config.authRequired,
    fetchTimeoutMs: config.scrapeTimeoutMs,
    fetchMaxBytes: config.scrapeMaxBytes,
    policy: sourcePolicy,
  });
  const runner = new WorkRunner(
    work,
    store,
    {
      matching: matching.pipeline,
      analysis: analyses.pipeline,
      scrape: scrapes.pipeline,
      recommendations: recommendations.pipeline,
      ...options.pipelines,
    },
    { concurrency: options.concurrency ?? config.workConcurrency, mode: options.mode, logger },
  );
  return { work, postings, matching, analyses, recommendations, sources, sourcePolicy, scrapes, runner };
}

/**
 * Where a `serve` node's work runs. Embedded (no REDIS_URL): its own runner over the store. With
 * REDIS_URL: queued work goes onto BullMQ for `jobstream worker` processes, and the node only reports
 * the workers it sees.
 */
export interface WorkExecution {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): WorkerHealth;
}

export function workExecution(parts: WorkParts, config: Config, logger: Logger): WorkExecution {
  if (config.redisUrl === undefined) {
    return {
      start: () => parts.runner.start(),
      stop: () => parts.runner.stop(),
      health: () => parts.runner.health(),
    };
  }
  const settings = { redisUrl: config.redisUrl, prefix: config.redisPrefix, logger };
  // BullMQ is loaded at start, and only with Redis: an embedded node never pays for it.
  let bull: { dispatcher: BullDispatcher; roster: WorkerRoster } | undefined;
  return {
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
export function bullWorker(
  parts: WorkParts,
  config: Config & { redisUrl: string },
  logger: Logger,
): { start(): Promise<void>; stop(): Promise<void> } {
  const settings = { redisUrl: config.redisUrl, prefix: config.redisPrefix, logger };
  let bull: { dispatcher: { stop(): Promise<void> }; worker: { stop(): Promise<void> } } | undefined;
  return {
    async start() {
      const { BullDispatcher, BullWorker } = await import('./bull-queue.js');
      const dispatcher = new BullDispatcher(parts.work, settings);
      const worker = new BullWorker(parts.runner, {
        ...settings,
        concurrency: config.workConcurrency,
        lockMs: config.workLockMs,
      });
      bull = { dispatcher, worker };
      await parts.runner.start();
      dispatcher.start();
      await worker.start();
    },
    async stop() {
      await bull?.worker.stop();
      await bull?.dispatcher.stop();
    },
  };
}

/** The matching evaluator the LLM_* settings ask for; a setting that does not add up stops the start. */
function evaluatorFor(config: Config, logger: Logger) {
  try {
    return createEvaluator(
      {
        LLM_BASE_URL: config.llmBaseUrl,
        LLM_API_KEY: config.llmApiKey,
        LLM_MODEL: config.llmModel,
        LLM_FALLBACK: config.llmFallback,
        LLM_TIMEOUT_MS: String(config.llmTimeoutMs),
      },
      { onFallback: (error) => logger.warn({ err: error }, 'LLM evaluator failed; used the local one') },
    );
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}
