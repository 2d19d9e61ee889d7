import {
  EventTypes,
  ErrorCode,
  topics,
  type Posting,
  type PostingInput,
  type PostingPatch,
  type PostingQuery,
} from '@jobstream/protocol';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { Posting as PostingRow } from '../store/schema.js';
import type { Store, Tx } from '../store/store.js';
import { dedupeKey } from '../store/dedupe-key.js';
import { isAdmin, notFound, now, parseJsonArray, requireRole } from './access.js';

export interface PostingServiceOptions {
  /** With AUTH_REQUIRED, only recruiters and admins create postings; otherwise anyone may. */
  readonly authRequired: boolean;
}

/** The public shape of a posting row. */
export function toPosting(row: PostingRow): Posting {
  return {
    id: row.id,
    company: row.company,
    job_title: row.job_title,
    job_description: row.job_description,
    job_url: row.job_url,
    location: row.location,
    source: row.source,
    sources: row.sources === null ? [row.source] : parseJsonArray(row.sources),
    skills_required: parseJsonArray(row.skills_required),
    is_active: row.is_active === 1,
    salary_min: row.salary_min,
    salary_max: row.salary_max,
    notes: row.notes,
    posted_by: row.posted_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const editable = [
  'company',
  'job_title',
  'job_description',
  'job_url',
  'location',
  'source',
  'skills_required',
  'is_active',
  'salary_min',
  'salary_max',
  'notes',
  'sources',
] as const;

/** A change a scrape may make beyond the REST patch: the boards a posting is on. */
export type PostingChange = PostingPatch & { readonly sources?: string[] };

/** Job postings: every change commits with its `posting.*` event on the `postings` topic. */
export class PostingService {
  readonly #store: Store;
  readonly #options: PostingServiceOptions;

  constructor(store: Store, options: PostingServiceOptions) {
    this.#store = store;
    this.#options = options;
  }

  async list(query: z.output<typeof PostingQuery>): Promise<{ items: Posting[]; total: number }> {
    let q = this.#store.db.selectFrom('postings');
    if (query.company) q = q.where('company', '=', query.company);
    if (query.location) q = q.where('location', 'like', `%${query.location}%`);
    if (query.source) q = q.where('source', '=', query.source);
    if (query.posted_by) q = q.where('posted_by', '=', query.posted_by);
    if (query.is_active) q = q.where('is_active', '=', query.is_active === 'true' ? 1 : 0);
    if (query.skill) q = q.where('skills_required', 'like', `%${JSON.stringify(query.skill)}%`);
    if (query.q) {
      const like = `%${query.q.toLowerCase()}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['job_title']), 'like', like),
          eb(eb.fn('lower', ['company']), 'like', like),
          eb(eb.fn('lower', ['job_description']), 'like', like),
        ]),
      );
    }
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toPosting), total: Number(count.n) };
  }

  async get(id: number): Promise<Posting> {
    const row = await this.#store.db
      .selectFrom('postings')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`posting ${id}`);
    return toPosting(row);
  }

  async create(actor: Principal, input: PostingInput): Promise<Posting> {
    if (this.#options.authRequired) requireRole(actor, 'recruiter', 'admin');
    const postedBy = actor.role === 'recruiter' || actor.role === 'admin' ? actor.userId : null;
    return this.#store.transaction((tx) => this.insert(tx, input, postedBy, null));
  }

  /** Inserts a posting and its `posting.created` event inside `tx` (also used by scrapes). */
  async insert(
    tx: Tx,
    input: PostingInput,
    postedBy: string | null,
    sourceId: string | null,
  ): Promise<Posting> {
    const stamp = now();
    const row = await tx.db
      .insertInto('postings')
      .values({
        company: input.company,
        job_title: input.job_title,
        job_description: input.job_description,
        job_url: input.job_url ?? null,
        location: input.location ?? null,
        source: input.source,
        source_id: sourceId,
        dedupe_key:
          sourceId === null ? null : dedupeKey(input.company, input.job_title, input.location ?? null),
        skills_required: JSON.stringify(input.skills_required),
        is_active: input.is_active ? 1 : 0,
        salary_min: input.salary_min ?? null,
        salary_max: input.salary_max ?? null,
        notes: input.notes ?? null,
        posted_by: postedBy,
        created_at: stamp,
        updated_at: stamp,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const posting = toPosting(row);
    await tx.emit({ topic: topics.postings, type: EventTypes.postingCreated, data: { posting } });
    return posting;
  }

  async update(actor: Principal, id: number, patch: PostingPatch): Promise<Posting> {
    return this.#store.transaction(async (tx) => {
      const row = await tx.db.selectFrom('postings').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`posting ${id}`);
      this.#assertCanEdit(actor, row);
      return this.apply(tx, row, patch);
    });
  }

  /** Applies a patch inside `tx`; emits `posting.updated` naming the changed fields, if any changed. */
  async apply(tx: Tx, row: PostingRow, patch: PostingChange): Promise<Posting> {
    const before = toPosting(row);
    const changes = editable.filter(
      (field) => patch[field] !== undefined && JSON.stringify(patch[field]) !== JSON.stringify(before[field]),
    );
    if (changes.length === 0) return before;
    const values: Record<string, unknown> = { updated_at: now() };
    for (const field of changes) {
      const value = patch[field];
      values[field] =
        field === 'skills_required' || field === 'sources'
          ? JSON.stringify(value)
          : field === 'is_active'
            ? value
              ? 1
              : 0
            : value;
    }
    if (
      row.dedupe_key !== null &&
      changes.some((f) => f === 'company' || f === 'job_title' || f === 'location')
    ) {
      const next = { ...before, ...patch };
      values.dedupe_key = dedupeKey(next.company, next.job_title, next.location ?? null);
    }
    const updated = await tx.db
      .updateTable('postings')
      .set(values)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const posting = toPosting(updated);
    await tx.emit({
      topic: topics.postings,
      type: EventTypes.postingUpdated,
      data: { posting, changes: [...changes] },
    });
    return posting;
  }

  deactivate(actor: Principal, id: number): Promise<Posting> {
    return this.update(actor, id, { is_active: false });
  }

  #assertCanEdit(actor: Principal, row: PostingRow): void {
    if (isAdmin(actor)) return;
    if (row.posted_by === null) {
      if (!this.#options.authRequired) return;
      throw new AppError(ErrorCode.forbidden, 'only an admin may change this posting');
    }
    if (actor.userId !== row.posted_by) {
      throw new AppError(ErrorCode.forbidden, 'only its recruiter or an admin may change this posting');
    }
  }
}
