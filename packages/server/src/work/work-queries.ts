import type { QueueStats, WorkJob, WorkQuery } from '@jobstream/protocol';
import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { Database } from '../store/schema.js';
import type { StoreDialect } from '../store/store.js';
import { toWorkJob } from './work-job.js';

type Db = Kysely<Database>;

/** Jobs the actor may see: admins all; others their own and anonymous (owner null) ones. */
export async function listWork(
  db: Db,
  actor: Principal,
  query: z.output<typeof WorkQuery>,
): Promise<{ items: WorkJob[]; total: number }> {
  let q = db.selectFrom('work_jobs');
  if (actor.role !== 'admin') {
    const userId = actor.userId;
    q = q.where((eb) =>
      userId === null ? eb('owner', 'is', null) : eb.or([eb('owner', 'is', null), eb('owner', '=', userId)]),
    );
  }
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.status) q = q.where('status', '=', query.status);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toWorkJob), total: Number(count.n) };
}

/** Whether the actor may see a job with this owner (the same rule as the `work:{id}` topic). */
export const mayView = (actor: Principal, owner: string | null): boolean =>
  owner === null || actor.role === 'admin' || (actor.userId !== null && actor.userId === owner);

/** Milliseconds between two ISO text columns, in the dialect's own date arithmetic. */
function durationMs(dialect: StoreDialect) {
  return dialect === 'postgres'
    ? sql<number>`extract(epoch from (finished_at::timestamptz - started_at::timestamptz)) * 1000`
    : sql<number>`(julianday(finished_at) - julianday(started_at)) * 86400000.0`;
}

/**
 * Counts by status (job-queue.md's names), jobs completed in the last minute, and the mean run time of
 * completed jobs. Three small queries over the (status, run_after) index and the completed rows.
 */
export async function queueStats(db: Db, dialect: StoreDialect, now = Date.now()): Promise<QueueStats> {
  const since = new Date(now - 60_000).toISOString();
  const [counts, recent, mean] = await Promise.all([
    db
      .selectFrom('work_jobs')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('work_jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'complete')
      .where('finished_at', '>=', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('work_jobs')
      .select(sql<number | string | null>`avg(${durationMs(dialect)})`.as('ms'))
      .where('status', '=', 'complete')
      .where('started_at', 'is not', null)
      .executeTakeFirstOrThrow(),
  ]);
  const by = new Map(counts.map((c) => [c.status, Number(c.n)]));
  const count = (status: string): number => by.get(status as never) ?? 0;
  const stats = {
    pending: count('queued'),
    in_progress: count('running'),
    completed: count('complete'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    paused: 0,
  };
  return {
    ...stats,
    total: stats.pending + stats.in_progress + stats.completed + stats.failed + stats.cancelled,
    throughput_per_min: Number(recent.n),
    mean_duration_ms: mean.ms === null ? 0 : Math.round(Number(mean.ms)),
  };
}
