import type { Kysely, Migration } from 'kysely';

/**
 * Idempotency keys remember a fingerprint of the request they answered (a SHA-256 of its method, path
 * and body), so that a key sent again with another body is refused (422) instead of replaying an answer
 * to a different request. Answers kept for anonymous callers are dropped: anonymous callers cannot be
 * told apart, so those answers (a login's access token among them) could be replayed to anyone.
 */
export function idempotencyFingerprintMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('idempotency_keys')
        // Rows from before this migration have none: they are compared by method and path only.
        .addColumn('fingerprint', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await (db as Kysely<{ idempotency_keys: { scope: string } }>)
        .deleteFrom('idempotency_keys')
        .where('scope', '=', 'anon')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('idempotency_keys').dropColumn('fingerprint').execute();
    },
  };
}
