import type { Kysely } from 'kysely';
import { topics } from '@jobstream/protocol';
import type { Database } from '../store/schema.js';
import type { Tx } from '../store/store.js';
import { MatchingEventType, type MatchingEvent } from '@jobstream/protocol';

/** One kept event of a run, as `GET /api/matching-jobs/{id}/updates/` lists it. */
export interface MatchingUpdate {
  id: number;
  event_type: string;
  payload: unknown;
  created_at: string;
}

/** A kept event as the store holds it: its id, type and JSON (the event as the stream sends it). */
export interface StoredUpdate {
  readonly id: number;
  readonly type: string;
  readonly payload: string;
}

/**
 * Keeps one event of a run and commits it to `work:{id}` in the same transaction. The live event
 * carries the update's id (`update_id`), so that a stream that replays the run from the store can
 * tell which live events it has sent already.
 */
export async function keepUpdate(tx: Tx, workId: string, event: MatchingEvent): Promise<void> {
  const row = await tx.db
    .insertInto('matching_updates')
    .values({
      work_id: workId,
      event_type: event.type,
      payload: JSON.stringify(event),
      created_at: event.timestamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.emit({
    topic: topics.work(workId),
    type: event.type,
    data: { ...event, update_id: Number(row.id) },
  });
}

/** A run's kept events with an id above `after`, oldest first, at most `limit`. */
export async function updatesAfter(
  db: Kysely<Database>,
  workId: string,
  after: number,
  limit: number,
): Promise<StoredUpdate[]> {
  const rows = await db
    .selectFrom('matching_updates')
    .select(['id', 'event_type', 'payload'])
    .where('work_id', '=', workId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), type: r.event_type, payload: r.payload }));
}

/** The newest `limit` events of a run, newest first. */
export async function newestUpdates(
  db: Kysely<Database>,
  workId: string,
  limit: number,
): Promise<MatchingUpdate[]> {
  const rows = await db
    .selectFrom('matching_updates')
    .selectAll()
    .where('work_id', '=', workId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    event_type: r.event_type,
    payload: JSON.parse(r.payload) as unknown,
    created_at: r.created_at,
  }));
}

/** The run's latest status and the attempt it belongs to (1 for a run kept before attempts were). */
export async function latestStatus(
  db: Kysely<Database>,
  workId: string,
): Promise<{ status: string | undefined; attempt: number }> {
  const row = await db
    .selectFrom('matching_updates')
    .select('payload')
    .where('work_id', '=', workId)
    .where('event_type', '=', MatchingEventType.status)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const last = row === undefined ? {} : (JSON.parse(row.payload) as { status?: string; attempt?: number });
  return { status: last.status, attempt: last.attempt ?? 1 };
}

/**
 * Forgets the ranked results an earlier attempt kept, in the transaction where an attempt persists its
 * own (before it sends them): a run's results are its last attempt's only.
 */
export async function dropEarlierResults(tx: Tx, workId: string): Promise<void> {
  await tx.db
    .deleteFrom('matching_updates')
    .where('work_id', '=', workId)
    .where('event_type', '=', MatchingEventType.matchPersisted)
    .execute();
}
