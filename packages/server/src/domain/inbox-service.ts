import { EventTypes, topics, type InboxReadData } from '@jobstream/protocol';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { notFound, now, signedIn, type SignedIn } from './access.js';
import { isUrgentInboxItem } from './inbox.js';
import { inboxDb } from './inbox-tables.js';

/** One inbox item as REST answers it. */
export interface InboxItem {
  readonly id: number;
  readonly kind: string;
  readonly summary: string;
  readonly data: unknown;
  /** Whom it was addressed to: the reader alone, their role, or everyone. */
  readonly audience: 'user' | 'role' | 'everyone';
  readonly urgent: boolean;
  readonly read: boolean;
  readonly created_at: string;
}

export interface InboxPage {
  /** Newest first. */
  readonly items: InboxItem[];
  /** The `before` of the next (older) page, or null when this is the last. */
  readonly next_before: number | null;
  readonly unread_count: number;
}

/** Items per page: what `limit` may ask for at most. */
export const INBOX_PAGE_MAX = 100;
/** Retention runs at most this often (it is one indexed delete). */
const PRUNE_EVERY_MS = 60_000;

interface Reader {
  readonly user: SignedIn;
  readonly audiences: string[];
  /** When the reader's account was made: role and everyone items from before it are not theirs. */
  readonly joined: string;
  /** Every item up to this id is read ("read all"). */
  readonly mark: number;
}

/**
 * A user's inbox: the items addressed to them, their role or everyone (written with their events,
 * domain/inbox-rows.ts), newest first, with their own read state; reading sends `inbox.read` to the
 * reader's `user:{id}` so that their other connections clear the badge at once. Items older than the
 * retention go.
 */
export class InboxService {
  readonly #store: Store;
  readonly #retentionMs: number;
  #nextPruneAt = 0;

  constructor(store: Store, options: { retentionDays: number }) {
    this.#store = store;
    this.#retentionMs = options.retentionDays * 86_400_000;
  }

  async list(
    actor: Principal,
    query: { unread?: boolean; before?: number; limit?: number },
  ): Promise<InboxPage> {
    const reader = await this.#reader(this.#store.db, actor);
    const limit = Math.min(Math.max(query.limit ?? 50, 1), INBOX_PAGE_MAX);
    let q = this.#visible(this.#store.db, reader)
      .leftJoin('inbox_reads as r', (join) =>
        join.onRef('r.item_id', '=', 'i.id').on('r.user_id', '=', reader.user.userId),
      )
      .select([
        'i.id',
        'i.kind',
        'i.summary',
        'i.data',
        'i.audience',
        'i.created_at',
        'r.item_id as read_id',
      ]);
    if (query.before !== undefined) q = q.where('i.id', '<', query.before);
    if (query.unread === true) q = q.where('r.item_id', 'is', null).where('i.id', '>', reader.mark);
    const rows = await q
      .orderBy('i.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const items = page.map((row): InboxItem => {
      const id = Number(row.id);
      const data: unknown = JSON.parse(row.data);
      return {
        id,
        kind: row.kind,
        summary: row.summary,
        data,
        audience: row.audience.startsWith('user:')
          ? 'user'
          : row.audience === 'everyone'
            ? 'everyone'
            : 'role',
        urgent: isUrgentInboxItem({ audience: row.audience, kind: row.kind, data }),
        read: row.read_id !== null || id <= reader.mark,
        created_at: row.created_at,
      };
    });
    const last = items[items.length - 1];
    return {
      items,
      next_before: rows.length > limit && last ? last.id : null,
      unread_count: await this.#unread(this.#store.db, reader),
    };
  }

  async unreadCount(actor: Principal): Promise<number> {
    return this.#unread(this.#store.db, await this.#reader(this.#store.db, actor));
  }

  /** Marks one item read (again is fine); 404 for an item that is not the reader's. */
  async read(actor: Principal, id: number): Promise<InboxReadData> {
    return this.#store.transaction(async (tx) => {
      const reader = await this.#reader(tx.db, actor);
      const item = await this.#visible(tx.db, reader)
        .select('i.id')
        .where('i.id', '=', id)
        .executeTakeFirst();
      if (!item) throw notFound(`inbox item ${id}`);
      const readAt = now();
      const inserted =
        id <= reader.mark
          ? undefined
          : await inboxDb(tx.db)
              .insertInto('inbox_reads')
              .values({ item_id: id, user_id: reader.user.userId, read_at: readAt })
              .onConflict((oc) => oc.columns(['user_id', 'item_id']).doNothing())
              .executeTakeFirst();
      const data: InboxReadData = {
        ids: [id],
        up_to: null,
        unread_count: await this.#unread(tx.db, reader),
        read_at: readAt,
      };
      if (inserted !== undefined && Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
        await tx.emit({ topic: topics.user(reader.user.userId), type: EventTypes.inboxRead, data });
      }
      return data;
    });
  }

  /** Marks every item the reader has now read: one watermark row, however many items. */
  async readAll(actor: Principal): Promise<InboxReadData> {
    return this.#store.transaction(async (tx) => {
      const reader = await this.#reader(tx.db, actor);
      const newest = await this.#visible(tx.db, reader)
        .select((eb) => eb.fn.max('i.id').as('id'))
        .executeTakeFirst();
      const upTo = Math.max(reader.mark, Number(newest?.id ?? 0));
      const readAt = now();
      const db = inboxDb(tx.db);
      await db
        .insertInto('inbox_marks')
        .values({ user_id: reader.user.userId, read_up_to: upTo, updated_at: readAt })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ read_up_to: upTo, updated_at: readAt }))
        .execute();
      // The single marks under the watermark say nothing any more.
      await db
        .deleteFrom('inbox_reads')
        .where('user_id', '=', reader.user.userId)
        .where('item_id', '<=', upTo)
        .execute();
      const data: InboxReadData = {
        ids: 'all',
        up_to: upTo,
        unread_count: await this.#unread(tx.db, { ...reader, mark: upTo }),
        read_at: readAt,
      };
      await tx.emit({ topic: topics.user(reader.user.userId), type: EventTypes.inboxRead, data });
      return data;
    });
  }

  /** Deletes the items older than the retention (at most once a minute); answers how many. */
  async prune(at = Date.now()): Promise<number> {
    if (at < this.#nextPruneAt) return 0;
    this.#nextPruneAt = at + PRUNE_EVERY_MS;
    const before = new Date(at - this.#retentionMs).toISOString();
    // Read marks go with their items (ON DELETE CASCADE).
    const result = await inboxDb(this.#store.db)
      .deleteFrom('inbox_items')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async #reader(db: Kysely<Database>, actor: Principal): Promise<Reader> {
    const user = signedIn(actor);
    const [account, mark] = await Promise.all([
      db.selectFrom('users').select('created_at').where('id', '=', user.userId).executeTakeFirst(),
      inboxDb(db)
        .selectFrom('inbox_marks')
        .select('read_up_to')
        .where('user_id', '=', user.userId)
        .executeTakeFirst(),
    ]);
    return {
      user,
      audiences: [`user:${user.userId}`, `role:${user.role}`, 'everyone'],
      joined: account?.created_at ?? '',
      mark: Number(mark?.read_up_to ?? 0),
    };
  }

  #visible(db: Kysely<Database>, reader: Reader) {
    const own = `user:${reader.user.userId}`;
    return inboxDb(db)
      .selectFrom('inbox_items as i')
      .where('i.audience', 'in', reader.audiences)
      .where((eb) => eb.or([eb('i.audience', '=', own), eb('i.created_at', '>=', reader.joined)]));
  }

  async #unread(db: Kysely<Database>, reader: Reader): Promise<number> {
    const row = await this.#visible(db, reader)
      .where('i.id', '>', reader.mark)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('inbox_reads as r')
              .select('r.item_id')
              .whereRef('r.item_id', '=', 'i.id')
              .where('r.user_id', '=', reader.user.userId),
          ),
        ),
      )
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
