import { setTimeout as sleep } from 'node:timers/promises';
import type { ScrapeReport, WorkJob } from '@jobstream/protocol';
import type { Config } from '../config.js';
import type { Principal } from '../auth/principal.js';
import { createLogger } from '../logger.js';
import { openStore } from '../store/open-store.js';
import { createWorkParts } from '../work/work-node.js';

/** The CLI acts as the operator who runs it. */
const operator: Principal = { userId: null, role: 'admin', expiresAt: null };
const ENDED = new Set(['complete', 'failed', 'cancelled']);

/**
 * `jobstream scrape --once [source]` (job-feed.md's run-once): scrapes the named source, or every
 * enabled one, in this process against the configured store, prints each source's counts and exits:
 * 0 when every scrape completed without errors, 1 when one failed or counted errors. The scrapes are
 * ordinary work jobs (their events wait in the outbox for a server to publish), claimed by id, so a
 * server running on the same store keeps its own work.
 */
export async function scrapeOnce(
  config: Config,
  source: string | undefined,
  options: { json: boolean },
): Promise<number> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const store = await openStore(config.databaseUrl, { logger });
  try {
    const parts = createWorkParts(store, config, logger);
    await parts.runner.startDriven(); // runs only the jobs it is handed, recovers nothing
    const { jobs } = await parts.scrapes.request(operator, source === undefined ? {} : { source });
    if (jobs.length === 0) {
      process.stderr.write('jobstream scrape: no enabled sources (add one with POST /api/v1/sources)\n');
      return 0;
    }
    // Each attempt (a first and its retry) gets the fetch timeout and a margin for saving.
    const deadline = Date.now() + (config.scrapeTimeoutMs + 30_000) * 2;
    let failed = false;
    for (const { job_id, source: name } of jobs) {
      const job = await runToEnd(parts, job_id, deadline);
      const report = job.status === 'complete' ? (job.result as ScrapeReport) : undefined;
      if (!report || report.errors > 0) failed = true;
      process.stdout.write(
        `${options.json ? JSON.stringify(report ?? { source: name, status: job.status, error: job.error_message }) : describe(name, job, report)}\n`,
      );
    }
    await parts.runner.stop();
    return failed ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** Runs the job here (and its retry, once due) until it has ended, or the deadline. */
async function runToEnd(
  parts: ReturnType<typeof createWorkParts>,
  id: string,
  deadline: number,
): Promise<WorkJob> {
  for (;;) {
    await parts.runner.runById(id);
    const job = await parts.work.get(operator, id);
    if (ENDED.has(job.status) || Date.now() > deadline) return job;
    await sleep(200); // queued for its retry's backoff, or running elsewhere
  }
}

function describe(name: string, job: WorkJob, report: ScrapeReport | undefined): string {
  if (!report) return `${name}: ${job.status}${job.error_message ? `: ${job.error_message}` : ''}`;
  const counts = `jobs_found=${report.jobs_found} new_jobs=${report.new_jobs} updated_jobs=${report.updated_jobs} errors=${report.errors} duration_seconds=${report.duration_seconds}`;
  const errors = report.error_messages.map((message) => `\n  error: ${message}`).join('');
  return `${name}: ${counts}${errors}`;
}
