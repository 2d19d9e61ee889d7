import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { PostingService } from '../domain/postings.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { Analyses } from './analysis/analyses.js';
import { createEvaluator } from './matching/index.js';
import { MatchingRuns } from './matching-runs.js';
import { Recommendations } from './recommendations.js';
import { WorkRunner } from './runner.js';
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

/**
 * The work service, its pipelines and the services they need: the same in `serve` and `worker`. Where
 * the work runs is the work queue's business (work-queue.ts).
 */
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
  options: WorkOptions = {},
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
    { concurrency: options.concurrency ?? config.workConcurrency, logger },
  );
  return { work, postings, matching, analyses, recommendations, sources, sourcePolicy, scrapes, runner };
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
