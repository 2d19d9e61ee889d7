import type { Kysely } from 'kysely';
import type { Database, OutboxRow } from './schema.js';

/** An event as the outbox stores it: data already JSON. */
export interface OutboxDraft {
  readonly topic: string;
  readonly type: string;
  readonly data: string;
}

/** Rows per INSERT, well under SQLite's limit on bound parameters. */
const INSERT_CHUNK = 500;

/** Appends events to the outbox, in order. */
export async function insertOutboxRows(
  db: Kysely<Database>,
  events: readonly OutboxDraft[],
  createdAt: string,
): Promise<void> {
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const chunk = events.slice(i, i + INSERT_CHUNK);
    await db
      .insertInto('outbox')
      .values(chunk.map((e) => ({ ...e, created_at: createdAt, published_at: null })))
      .execute();
  }
}

/** The oldest unpublished rows, in id (= commit) order. */
export function pendingOutboxRows(db: Kysely<Database>, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('published_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Records that row `id` reached the hub. */
export async function markOutboxPublished(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await db.updateTable('outbox').set({ published_at: at }).where('id', '=', id).execute();
}

/** The highest id committed so far, or 0 when the outbox is empty. */
export async function lastOutboxId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Whether any row with an id up to `id` still waits to be published. */
export async function hasPendingOutboxRows(db: Kysely<Database>, upToId: number): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('published_at', 'is', null)
    .where('id', '<=', upToId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes rows published before `before` (ISO); returns how many. */
export async function deletePublishedOutboxRows(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('published_at', 'is not', null)
    .where('published_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
