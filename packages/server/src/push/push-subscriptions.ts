import type { PushDb } from './push-tables.js';
import type { PushSubscriptionInput } from './push-schemas.js';

/** A stored subscription: where to POST and the browser's keys. */
export interface StoredSubscription {
  readonly endpoint: string;
  readonly userId: string;
  readonly p256dh: string;
  readonly auth: string;
}

/** Most subscriptions (browsers, devices) one user keeps; a new one beyond it replaces their oldest. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;

/** The push subscriptions of every user, by endpoint. */
export class PushSubscriptions {
  readonly #db: PushDb;
  readonly #max: number;

  constructor(db: PushDb, max = MAX_SUBSCRIPTIONS_PER_USER) {
    this.#db = db;
    this.#max = max;
  }

  /**
   * Stores `input` as one of `userId`'s subscriptions. The endpoint is the browser's identity: the same
   * browser subscribing again (new keys, or another account signed in) replaces its row. Past the
   * per-user bound the user's oldest subscriptions go, as a browser abandoned long ago would.
   */
  async save(
    userId: string,
    input: PushSubscriptionInput,
  ): Promise<{ endpoint: string; created_at: string }> {
    const createdAt = new Date().toISOString();
    const row = { user_id: userId, p256dh: input.keys.p256dh, auth: input.keys.auth, created_at: createdAt };
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('push_subscriptions')
        .values({ endpoint: input.endpoint, ...row })
        .onConflict((oc) => oc.column('endpoint').doUpdateSet(row))
        .execute();
      const keep = await tx
        .selectFrom('push_subscriptions')
        .select('endpoint')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('endpoint')
        .limit(this.#max)
        .execute();
      await tx
        .deleteFrom('push_subscriptions')
        .where('user_id', '=', userId)
        .where(
          'endpoint',
          'not in',
          keep.map((r) => r.endpoint),
        )
        .execute();
    });
    return { endpoint: input.endpoint, created_at: createdAt };
  }

  /** Forgets `userId`'s subscription at `endpoint`; answers whether there was one. */
  async remove(userId: string, endpoint: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('push_subscriptions')
      .where('endpoint', '=', endpoint)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Forgets the subscription at `endpoint`, whoever's it is (its push service said it is gone). */
  async expire(endpoint: string): Promise<void> {
    await this.#db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).execute();
  }

  async forUser(userId: string): Promise<StoredSubscription[]> {
    const rows = await this.#db
      .selectFrom('push_subscriptions')
      .select(['endpoint', 'user_id', 'p256dh', 'auth'])
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth }));
  }
}
