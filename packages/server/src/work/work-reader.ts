import type { QueueStats, WorkJob, WorkQuery } from '@jobstream/protocol';
import type { z } from 'zod';
import { notFound, now } from '../domain/access.js';
import type { Principal } from '../auth/principal.js';
import type { WorkKind } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { toWorkJob } from './work-job.js';
import { listWork, mayView, queueStats } from './work-queries.js';

/** The read side of the work queue: what REST, the authorizer, the runner and the stats ask. */
export class WorkReader {
  protected readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** A page of the jobs the actor may see: its own and anonymous ones; every job for admins. */
  list(actor: Principal, query: z.output<typeof WorkQuery>): Promise<{ items: WorkJob[]; total: number }> {
    return listWork(this.store.db, actor, query);
  }

  /** One job, if the actor may see it (else 404, so that others' job ids are not confirmed). */
  async get(actor: Principal, id: string): Promise<WorkJob> {
    const row = await this.store.db
      .selectFrom('work_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || !mayView(actor, row.owner)) throw notFound(`work job ${id}`);
    return toWorkJob(row);
  }

  /** For the authorizer: undefined when there is no such job, null when it is anonymous. */
  async ownerOf(id: string): Promise<string | null | undefined> {
    const row = await this.store.db
      .selectFrom('work_jobs')
      .select('owner')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.owner;
  }

  /** Queued jobs of these kinds that are due, oldest first. */
  async due(kinds: readonly string[], limit: number): Promise<string[]> {
    if (kinds.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('work_jobs')
      .select('id')
      .where('status', '=', 'queued')
      .where('kind', 'in', kinds as WorkKind[])
      .where('run_after', '<=', now())
      .orderBy('run_after')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Whether the job is still to finish (queued or running). */
  async isActive(id: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('work_jobs')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.status === 'queued' || row?.status === 'running';
  }

  /** Whether a job of this kind and owner is queued and not yet started. */
  async hasQueued(kind: WorkKind, owner: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('work_jobs')
      .select('id')
      .where('kind', '=', kind)
      .where('owner', '=', owner)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Queued jobs, oldest first, with what a queue needs to hand them out: their attempt and due time. */
  async queued(limit: number): Promise<{ id: string; retries: number; run_after: string }[]> {
    const rows = await this.store.db
      .selectFrom('work_jobs')
      .select(['id', 'retries', 'run_after'])
      .where('status', '=', 'queued')
      .orderBy('run_after')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, retries: Number(r.retries), run_after: r.run_after }));
  }

  /** When the next queued job of these kinds becomes due (epoch ms), if any is waiting. */
  async nextDueAt(kinds: readonly string[]): Promise<number | undefined> {
    if (kinds.length === 0) return undefined;
    const row = await this.store.db
      .selectFrom('work_jobs')
      .select((eb) => eb.fn.min('run_after').as('at'))
      .where('status', '=', 'queued')
      .where('kind', 'in', kinds as WorkKind[])
      .executeTakeFirst();
    return row?.at ? Date.parse(row.at) : undefined;
  }

  stats(): Promise<QueueStats> {
    return queueStats(this.store.db, this.store.dialect);
  }
}
