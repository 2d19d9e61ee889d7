import { topics, type ScrapeReport, type ScrapeRequest } from '@jobstream/protocol';
import { sql } from 'kysely';
import type { PostingService } from '../../domain/postings.js';
import type { Principal } from '../../auth/principal.js';
import { now, requireRole } from '../../domain/access.js';
import type { ScrapeSourceRow } from '../../store/schema.js';
import type { Store, Tx } from '../../store/store.js';
import type { Pipeline } from '../work-job.js';
import type { WorkService } from '../work-service.js';
import { fetchSourceIfChanged, type Fetched } from './fetch-source.js';
import { SourceError } from './normalized.js';
import { listedCount, upsertScraped } from './upsert.js';
import type { SourcePolicy } from './source-policy.js';
import { nextRunAt, toSource, type SourceService } from './sources.js';

/** What a scrape job is asked to do. */
interface ScrapePayload {
  readonly source_id: number;
}

/** The guess of a first scrape's duration, before one has been measured. */
const DEFAULT_EXPECTED_SECONDS = 30;

/** Raised inside a transaction to roll it back when another node queued the due scrape first. */
class AlreadyQueued extends Error {}

export interface ScrapesOptions {
  readonly authRequired: boolean;
  /** How long one fetch of a feed may take. @default 15000 */
  readonly fetchTimeoutMs?: number;
  /** The largest feed read (SCRAPE_MAX_BYTES). @default 5 MiB */
  readonly fetchMaxBytes?: number;
  /** Which addresses feeds may be fetched from. @default public addresses only */
  readonly policy?: SourcePolicy;
}

/**
 * Scrapes, as background work: each fetches one source, normalises its postings and upserts them by the
 * source's own ids, in one transaction with `scrape.completed`. Events on `scrapes` (and the job's
 * `work:{id}`): `scrape.started` {source, expected_duration_seconds}, then `scrape.completed`
 * {source, jobs_found, new_jobs, updated_jobs, duration_seconds, errors}. A source that cannot be read
 * is one error of a completed scrape, never a crash. What the feed lists is saved by upsert.ts.
 */
export class Scrapes {
  readonly #store: Store;
  readonly #work: WorkService;
  readonly #sources: SourceService;
  readonly #postings: PostingService;
  readonly #options: ScrapesOptions;

  constructor(
    store: Store,
    work: WorkService,
    sources: SourceService,
    postings: PostingService,
    options: ScrapesOptions,
  ) {
    this.#store = store;
    this.#work = work;
    this.#sources = sources;
    this.#postings = postings;
    this.#options = options;
  }

  /** `POST /api/v1/scrapes`: scrapes the named source now, or every enabled one. */
  async request(
    actor: Principal,
    request: ScrapeRequest,
  ): Promise<{ jobs: { job_id: string; source: string }[] }> {
    if (this.#options.authRequired) requireRole(actor, 'admin');
    let rows: ScrapeSourceRow[];
    if (request.source_id !== undefined) rows = [await this.#sources.row(request.source_id)];
    else if (request.source !== undefined) rows = [await this.#sources.byName(request.source)];
    else {
      rows = await this.#store.db
        .selectFrom('scrape_sources')
        .selectAll()
        .where('enabled', '=', 1)
        .$if(!this.#sources.showsDemo, (q) => q.where('demo', '=', 0))
        .execute();
    }
    const jobs = [];
    for (const row of rows) {
      const job = await this.#queue(row);
      jobs.push({ job_id: job.id, source: row.name });
    }
    return { jobs };
  }

  /**
   * Queues a scrape of every source whose interval has come round. Safe on several nodes at once: the
   * source's next run moves on in the same transaction that queues the job, only if no other node moved
   * it first. A source whose last scrape is still queued or running is not queued twice.
   */
  async queueDue(at = Date.now()): Promise<number> {
    const stamp = new Date(at).toISOString();
    const due = await this.#store.db
      .selectFrom('scrape_sources')
      .selectAll()
      .where('enabled', '=', 1)
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', stamp)
      .$if(!this.#sources.showsDemo, (q) => q.where('demo', '=', 0))
      .execute();
    let queued = 0;
    for (const row of due) {
      const busy = row.last_work_id !== null && (await this.#work.isActive(row.last_work_id));
      const interval = row.interval_seconds === null ? null : Number(row.interval_seconds);
      const schedule = { nextRunAt: nextRunAt(interval, true, at) };
      try {
        if (busy) await this.#store.transaction((tx) => this.#record(tx, row, null, schedule));
        else {
          await this.#queue(row, schedule);
          queued++;
        }
      } catch (error) {
        if (!(error instanceof AlreadyQueued)) throw error;
      }
    }
    return queued;
  }

  /** Queues a scrape of the source, recorded as its last work in the same transaction. */
  #queue(row: ScrapeSourceRow, schedule?: { nextRunAt: string | null }) {
    return this.#work.create('scrape', { source_id: Number(row.id) }, null, {
      maxRetries: 1,
      also: (tx, id) => this.#record(tx, row, id, schedule),
    });
  }

  /**
   * Records the source's last work (when one was queued) and, with `schedule`, moves its next run on,
   * but only if no other node moved it first (else AlreadyQueued rolls the transaction back).
   */
  async #record(
    tx: Tx,
    row: ScrapeSourceRow,
    workId: string | null,
    schedule?: { nextRunAt: string | null },
  ): Promise<void> {
    let update = tx.db
      .updateTable('scrape_sources')
      .set({
        ...(workId !== null && { last_work_id: workId }),
        ...(schedule && { next_run_at: schedule.nextRunAt }),
      })
      .where('id', '=', row.id);
    if (schedule) update = update.where('next_run_at', '=', row.next_run_at);
    const result = await update.executeTakeFirst();
    if (schedule && Number(result.numUpdatedRows) !== 1) throw new AlreadyQueued();
  }

  readonly pipeline: Pipeline = async (job, ctx) => {
    const { source_id } = job.payload as ScrapePayload;
    const row = await this.#sources.queuedRow(source_id);
    const source = toSource(row);
    const began = Date.now();
    const head = { source: source.name, source_id: source.id, kind: source.kind, work_id: job.id };
    const started = {
      ...head,
      expected_duration_seconds: Math.max(
        1,
        Math.round(source.last_duration_seconds ?? DEFAULT_EXPECTED_SECONDS),
      ),
    };
    await ctx.emit(topics.scrapes, 'scrape.started', started);
    await ctx.emit(topics.work(job.id), 'scrape.started', started);
    await ctx.progress('fetching', 10);

    const errors: string[] = [];
    let fetched: Fetched | null = null;
    try {
      const validators = { etag: row.etag, lastModified: row.last_modified };
      fetched = await fetchSourceIfChanged(source, validators, {
        signal: ctx.signal,
        timeoutMs: this.#options.fetchTimeoutMs,
        maxBytes: this.#options.fetchMaxBytes,
        policy: this.#options.policy,
      });
    } catch (error) {
      if (!(error instanceof SourceError) || ctx.signal.aborted) throw error;
      errors.push(error.message);
    }
    ctx.signal.throwIfAborted();
    await ctx.progress('saving', 60);

    return this.#store.transaction(async (tx) => {
      // Saves one at a time across nodes: two boards' copies of one job saved at once would each miss
      // the other and make two postings (SQLite runs one transaction at a time anyway).
      if (fetched && !fetched.unchanged && this.#store.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext('jobstream-scrape-save'))`.execute(tx.db);
      // Unchanged (304): every listing seen as it was, none missed, nothing saved.
      const counts = !fetched
        ? { found: 0, created: 0, updated: 0 }
        : fetched.unchanged
          ? { found: await listedCount(tx, source.name), created: 0, updated: 0 }
          : await upsertScraped(tx, this.#postings, source, fetched.postings, errors);
      const duration = Math.round((Date.now() - began) / 10) / 100;
      const report: ScrapeReport = {
        source: source.name,
        source_id: source.id,
        jobs_found: counts.found,
        new_jobs: counts.created,
        updated_jobs: counts.updated,
        duration_seconds: duration,
        errors: errors.length,
        error_messages: errors.slice(0, 20),
      };
      await tx.db
        .updateTable('scrape_sources')
        .set({
          last_run_at: now(),
          last_status: fetched ? 'ok' : 'error',
          ...(fetched &&
            !fetched.unchanged && {
              etag: fetched.validators.etag,
              last_modified: fetched.validators.lastModified,
            }),
          last_error: errors[0] ?? null,
          last_duration_seconds: duration,
        })
        .where('id', '=', source.id)
        .execute();
      const completed = { ...head, ...report };
      await tx.emit({ topic: topics.scrapes, type: 'scrape.completed', data: completed });
      await tx.emit({ topic: topics.work(job.id), type: 'scrape.completed', data: completed });
      return report;
    });
  };
}
