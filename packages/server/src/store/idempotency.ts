import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from './schema.js';

/** A stored answer to a write made with an `Idempotency-Key`. */
export type IdempotentResponse = Selectable<IdempotencyKeysTable>;

/** How long a key is remembered: a retry within this window gets the first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

function cutoff(now: Date): string {
  return new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
}

/** The answer stored for (scope, key) within the last 24 h, if any. */
export function findIdempotentResponse(
  db: Kysely<Database>,
  scope: string,
  key: string,
  now: Date = new Date(),
): Promise<IdempotentResponse | undefined> {
  return (
    db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      // A row past its day counts as gone even before the cleanup deletes it.
      .where('created_at', '>=', cutoff(now))
      .executeTakeFirst()
  );
}

/** What `saveIdempotentResponse` stored. */
export interface SavedIdempotentResponse {
  /** false when another request with this key got there first: roll back and answer with `response`. */
  readonly inserted: boolean;
  /** The answer that the key now holds, the first one's. */
  readonly response: IdempotentResponse;
}

/**
 * Stores the answer for (scope, key); the first answer wins, so a concurrent duplicate leaves the
 * stored one unchanged. A row older than 24 h is replaced. Pass a transaction's db to store the answer
 * with the write it answers.
 */
export async function saveIdempotentResponse(
  db: Kysely<Database>,
  input: Omit<IdempotentResponse, 'created_at' | 'fingerprint'> & {
    readonly created_at?: string;
    readonly fingerprint?: string;
  },
  now: Date = new Date(),
): Promise<SavedIdempotentResponse> {
  const row: IdempotentResponse = {
    ...input,
    fingerprint: input.fingerprint ?? '',
    created_at: input.created_at ?? now.toISOString(),
  };
  const written = await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['scope', 'key'])
        .doUpdateSet({
          request: row.request,
          fingerprint: row.fingerprint,
          status_code: row.status_code,
          response_body: row.response_body,
          created_at: row.created_at,
        })
        .where('idempotency_keys.created_at', '<', cutoff(now)),
    )
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) > 0) return { inserted: true, response: row };
  const first = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', row.scope)
    .where('key', '=', row.key)
    .executeTakeFirstOrThrow();
  return { inserted: false, response: first };
}

/** Deletes answers older than 24 h; returns how many. Run it now and then (hourly is plenty). */
export async function deleteExpiredIdempotentResponses(
  db: Kysely<Database>,
  now: Date = new Date(),
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', cutoff(now))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
