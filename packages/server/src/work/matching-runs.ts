import { randomUUID } from 'node:crypto';
import type { MatchingJobInput } from '@jobstream/protocol';
import { notFound, now } from '../domain/access.js';
import type { Principal } from '../auth/principal.js';
import type { Store } from '../store/store.js';
import { MatchingEventType } from '@jobstream/protocol';
import { eventFactory, runMatching, type Evaluator, type MatchingInput } from './matching/index.js';
import {
  dropEarlierResults,
  keepUpdate,
  latestStatus,
  newestUpdates,
  updatesAfter,
  type MatchingUpdate,
  type StoredUpdate,
} from './matching-updates.js';
import type { Pipeline } from './work-job.js';
import type { WorkService } from './work-service.js';

export type { MatchingUpdate } from './matching-updates.js';

/**
 * Matching runs as background work: a request is resolved to texts and queued (with its `queued`
 * status event); the pipeline runs the engine, keeping every event and committing each through the
 * outbox to `work:{id}`, where the matching-job-stream dialect picks it up. A run queued again (a
 * retry) is a new attempt: `queued` and `running` say which, and its results replace the last ones.
 */
export class MatchingRuns {
  readonly #store: Store;
  readonly #work: WorkService;
  readonly #evaluator: Evaluator;

  constructor(store: Store, work: WorkService, evaluator: Evaluator) {
    this.#store = store;
    this.#work = work;
    this.#evaluator = evaluator;
    // The stream's clients wait for a terminal status: a run that ends outside its pipeline (cancelled
    // while queued, interrupted with no retry left) gets one too.
    work.onEnded('matching', async (tx, job) => {
      const { status, attempt } = await latestStatus(tx.db, job.id);
      if (status === 'failed' || status === 'complete') return;
      const failed = eventFactory(job.id, undefined, attempt).status(
        'failed',
        job.error_message ?? job.status,
      );
      await keepUpdate(tx, job.id, failed);
    });
    // Queued again (after an interruption, or retried by hand): the next attempt is announced.
    work.onRequeued('matching', async (tx, job) => {
      const { attempt } = await latestStatus(tx.db, job.id);
      await keepUpdate(tx, job.id, eventFactory(job.id, undefined, attempt + 1).status('queued'));
    });
  }

  async start(actor: Principal, body: MatchingJobInput): Promise<{ job_id: string }> {
    const input = await this.#resolve(body);
    const job = await this.#work.create('matching', input, actor.userId, {
      maxRetries: 0, // a run's events are its record: a failed run is reported, not silently rerun
      also: (tx, id) => keepUpdate(tx, id, eventFactory(id).status('queued')),
    });
    return { job_id: job.id };
  }

  readonly pipeline: Pipeline = async (job, ctx) => {
    const input = job.payload as MatchingInput;
    const { attempt } = await latestStatus(this.#store.db, job.id);
    const outcome = await runMatching(job.id, input, {
      evaluator: this.#evaluator,
      signal: ctx.signal,
      attempt,
      publisher: {
        publish: (event) =>
          this.#store.transaction(async (tx) => {
            // A run cancelled while it ran got its `failed` with the cancel (and may be queued again
            // already): an attempt ends once, before the next one begins.
            if (event.type === MatchingEventType.status && event.status === 'failed') {
              const last = await latestStatus(tx.db, job.id);
              if (last.attempt !== attempt || last.status === 'failed' || last.status === 'complete') return;
            }
            await keepUpdate(tx, job.id, event);
          }),
      },
      onProgress: (phase, percent) => ctx.progress(phase, percent),
      persist: (matches) =>
        this.#store.transaction(async (tx) => {
          // A rerun (after a crash between saving and completing) replaces what the last attempt saved.
          await tx.db.deleteFrom('matching_matches').where('work_id', '=', job.id).execute();
          await dropEarlierResults(tx, job.id);
          if (matches.length === 0) return;
          await tx.db
            .insertInto('matching_matches')
            .values(
              matches.map(({ match_id, ...m }) => ({
                id: match_id,
                work_id: job.id,
                ...m,
                created_at: now(),
              })),
            )
            .execute();
        }),
    });
    return { matches: outcome.matches.length };
  };

  async matches(actor: Principal, id: string) {
    await this.#work.get(actor, id); // 404 unless the actor may see the run
    return this.#store.db
      .selectFrom('matching_matches')
      .select([
        'id as match_id',
        'target_id',
        'target_name',
        'rank',
        'score',
        'search_hit_ratio',
        'summary_reason',
      ])
      .where('work_id', '=', id)
      .orderBy('rank')
      .execute();
  }

  /** The newest `limit` events of a run, newest first. */
  async updates(actor: Principal, id: string, limit: number): Promise<MatchingUpdate[]> {
    await this.#work.get(actor, id);
    return newestUpdates(this.#store.db, id, limit);
  }

  /**
   * A run's kept events after the update `after`, oldest first: what its stream replays. Whoever asks
   * has been authorized for the run already (the gateway asks its authorizer).
   */
  eventsAfter(id: string, after: number, limit: number): Promise<StoredUpdate[]> {
    return updatesAfter(this.#store.db, id, after, limit);
  }

  /** Postings named by id become texts, so that a run needs nothing but its payload. */
  async #resolve(body: MatchingJobInput): Promise<MatchingInput> {
    const ids = [body.source, ...body.targets].flatMap((t) => ('posting_id' in t ? [t.posting_id] : []));
    const rows =
      ids.length === 0
        ? []
        : await this.#store.db
            .selectFrom('postings')
            .select(['id', 'company', 'job_title', 'job_description'])
            .where('id', 'in', ids)
            .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const text = (ref: { posting_id: number }) => {
      const p = byId.get(ref.posting_id);
      if (!p) throw notFound(`posting ${ref.posting_id}`);
      return { name: `${p.job_title} at ${p.company}`, text: `${p.job_title}\n${p.job_description}` };
    };
    return {
      source: 'posting_id' in body.source ? text(body.source) : body.source,
      targets: body.targets.map((t) =>
        'posting_id' in t
          ? { id: String(t.posting_id), ...text(t) }
          : { id: t.id ?? randomUUID(), name: t.name, text: t.text },
      ),
      criteria: body.criteria,
    };
  }
}
