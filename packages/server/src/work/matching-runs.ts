import { randomUUID } from 'node:crypto';
import type { MatchingJobInput } from '@jobstream/protocol';
import { topics } from '@jobstream/protocol';
import { notFound, now } from '../domain/access.js';
import type { Principal } from '../gateway/authorizer.js';
import type { Store, Tx } from '../store/store.js';
import {
  eventFactory,
  runMatching,
  type Evaluator,
  type MatchingEvent,
  type MatchingInput,
} from './matching/index.js';
import type { Pipeline } from './work-job.js';
import type { WorkService } from './work-service.js';

/** One kept event of a run, as `GET /api/matching-jobs/{id}/updates/` lists it. */
export interface MatchingUpdate {
  id: number;
  event_type: string;
  payload: unknown;
  created_at: string;
}

/**
 * Matching runs as background work: a request is resolved to texts and queued (with its `queued`
 * status event); the pipeline runs the engine, keeping every event and committing each through the
 * outbox to `work:{id}`, where the matching-job-stream dialect picks it up.
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
      const last = await tx.db
        .selectFrom('matching_updates')
        .select(['event_type', 'payload'])
        .where('work_id', '=', job.id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const status =
        last?.event_type === 'matching.job.status'
          ? (JSON.parse(last.payload) as { status?: string }).status
          : undefined;
      if (status === 'failed' || status === 'complete') return;
      await this.#keep(tx, job.id, eventFactory(job.id).status('failed', job.error_message ?? job.status));
    });
  }

  async start(actor: Principal, body: MatchingJobInput): Promise<{ job_id: string }> {
    const input = await this.#resolve(body);
    const job = await this.#work.create('matching', input, actor.userId, {
      maxRetries: 0, // a run's events are its record: a failed run is reported, not silently rerun
      also: (tx, id) => this.#keep(tx, id, eventFactory(id).status('queued')),
    });
    return { job_id: job.id };
  }

  readonly pipeline: Pipeline = async (job, ctx) => {
    const input = job.payload as MatchingInput;
    const outcome = await runMatching(job.id, input, {
      evaluator: this.#evaluator,
      signal: ctx.signal,
      publisher: { publish: (event) => this.#store.transaction((tx) => this.#keep(tx, job.id, event)) },
      onProgress: (phase, percent) => ctx.progress(phase, percent),
      persist: (matches) =>
        this.#store.transaction(async (tx) => {
          // A rerun (after a crash between saving and completing) replaces what the last attempt saved.
          await tx.db.deleteFrom('matching_matches').where('work_id', '=', job.id).execute();
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
    const rows = await this.#store.db
      .selectFrom('matching_updates')
      .selectAll()
      .where('work_id', '=', id)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      event_type: r.event_type,
      payload: JSON.parse(r.payload) as unknown,
      created_at: r.created_at,
    }));
  }

  async #keep(tx: Tx, workId: string, event: MatchingEvent): Promise<void> {
    await tx.db
      .insertInto('matching_updates')
      .values({
        work_id: workId,
        event_type: event.type,
        payload: JSON.stringify(event),
        created_at: event.timestamp,
      })
      .execute();
    await tx.emit({ topic: topics.work(workId), type: event.type, data: event });
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
