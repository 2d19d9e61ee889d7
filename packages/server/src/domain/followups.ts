import { EventTypes, ErrorCode, topics, type FollowupData } from '@jobstream/protocol';
import type { z } from 'zod';
import type { FollowupInput } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { Followup as FollowupRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { isAdmin, notFound, now, signedIn } from './access.js';
import { recordStep, TimelineKind } from './timeline.js';

export function toFollowupData(row: FollowupRow & { company: string; job_title: string }): FollowupData {
  return {
    followup_id: row.id,
    job_id: row.posting_id,
    application_id: row.application_id,
    company: row.company,
    job_title: row.job_title,
    followup_type: row.followup_type,
    scheduled_date: row.scheduled_date,
    status: row.status,
  };
}

/** A job seeker's follow-ups (thank-you notes, check-ins), each an event to that seeker. */
export class FollowupService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async create(actor: Principal, input: z.output<typeof FollowupInput>): Promise<FollowupData> {
    const user = signedIn(actor);
    return this.#store.transaction(async (tx) => {
      let postingId = input.posting_id;
      if (input.application_id !== undefined) {
        const app = await tx.db
          .selectFrom('applications')
          .select(['posting_id', 'user_id'])
          .where('id', '=', input.application_id)
          .executeTakeFirst();
        if (!app || (app.user_id !== user.userId && !isAdmin(user))) {
          throw notFound(`application ${input.application_id}`);
        }
        postingId = app.posting_id;
      }
      const posting = await tx.db
        .selectFrom('postings')
        .select(['id', 'company', 'job_title'])
        .where('id', '=', postingId ?? -1)
        .executeTakeFirst();
      if (!posting) throw notFound(`posting ${postingId ?? ''}`);
      const row = await tx.db
        .insertInto('followups')
        .values({
          user_id: user.userId,
          posting_id: posting.id,
          application_id: input.application_id ?? null,
          followup_type: input.followup_type,
          scheduled_date: new Date(input.scheduled_date).toISOString(),
          status: 'pending',
          notes: input.notes ?? null,
          due_notified_at: null,
          sent_at: null,
          created_at: now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = toFollowupData({ ...row, company: posting.company, job_title: posting.job_title });
      await tx.emit({ topic: topics.user(user.userId), type: EventTypes.followupCreated, data });
      if (row.application_id !== null) {
        await recordStep(tx.db, {
          applicationId: row.application_id,
          kind: TimelineKind.followupScheduled,
          actorId: user.userId,
          detail: {
            followup_id: row.id,
            followup_type: row.followup_type,
            scheduled_date: row.scheduled_date,
          },
          at: row.created_at,
        });
      }
      return data;
    });
  }

  async markSent(actor: Principal, id: number): Promise<FollowupData> {
    const user = signedIn(actor);
    return this.#store.transaction(async (tx) => {
      const row = await this.#joined(tx.db).where('followups.id', '=', id).executeTakeFirst();
      if (!row || (row.user_id !== user.userId && !isAdmin(user))) throw notFound(`follow-up ${id}`);
      if (row.status === 'sent') throw new AppError(ErrorCode.conflict, 'this follow-up was already sent');
      const stamp = now();
      const updated = await tx.db
        .updateTable('followups')
        .set({ status: 'sent', sent_at: stamp })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = toFollowupData({ ...updated, company: row.company, job_title: row.job_title });
      await tx.emit({
        topic: topics.user(row.user_id),
        type: EventTypes.followupSent,
        data: { ...data, sent_at: stamp },
      });
      if (row.application_id !== null) {
        await recordStep(tx.db, {
          applicationId: row.application_id,
          kind: TimelineKind.followupSent,
          actorId: user.userId,
          detail: { followup_id: id, followup_type: row.followup_type },
          at: stamp,
        });
      }
      return data;
    });
  }

  async list(actor: Principal, limit: number, offset: number): Promise<FollowupData[]> {
    const user = signedIn(actor);
    let q = this.#joined(this.#store.db);
    if (!isAdmin(user)) q = q.where('followups.user_id', '=', user.userId);
    const rows = await q.orderBy('followups.scheduled_date', 'asc').limit(limit).offset(offset).execute();
    return rows.map(toFollowupData);
  }

  #joined(db: Store['db']) {
    return db
      .selectFrom('followups')
      .innerJoin('postings', 'postings.id', 'followups.posting_id')
      .selectAll('followups')
      .select(['postings.company', 'postings.job_title']);
  }
}
