import { EventTypes, ErrorCode, topics, type InterviewData } from '@jobstream/protocol';
import type { z } from 'zod';
import type { InterviewInput, InterviewPatch } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { Interview as InterviewRow } from '../store/schema.js';
import type { Store, Tx } from '../store/store.js';
import { isAdmin, notFound, now, signedIn } from './access.js';
import { recordStep, TimelineKind } from './timeline.js';

type Row = InterviewRow & { company: string; job_title: string; recruiter: string | null };

export function toInterviewData(row: InterviewRow & { company: string; job_title: string }): InterviewData {
  return {
    interview_id: row.id,
    application_id: row.application_id,
    job_id: row.posting_id,
    company: row.company,
    job_title: row.job_title,
    interview_type: row.interview_type,
    scheduled_date: row.scheduled_date,
    duration_minutes: row.duration_minutes,
    calendar_event_id: row.calendar_event_id,
    status: row.status,
  };
}

/**
 * Interviews of an application, scheduled by the posting's recruiter, an admin, or the applicant
 * (tracking their own search). Each change is an `interview.*` event to the applicant.
 */
export class InterviewService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async schedule(actor: Principal, input: z.output<typeof InterviewInput>): Promise<InterviewData> {
    const user = signedIn(actor);
    return this.#store.transaction(async (tx) => {
      const app = await tx.db
        .selectFrom('applications')
        .innerJoin('postings', 'postings.id', 'applications.posting_id')
        .select([
          'applications.id',
          'applications.user_id',
          'applications.posting_id',
          'postings.posted_by',
          'postings.company',
          'postings.job_title',
        ])
        .where('applications.id', '=', input.application_id)
        .executeTakeFirst();
      const mayAct = app && (isAdmin(user) || app.user_id === user.userId || app.posted_by === user.userId);
      if (!app || !mayAct) throw notFound(`application ${input.application_id}`);
      const stamp = now();
      const row = await tx.db
        .insertInto('interviews')
        .values({
          application_id: app.id,
          user_id: app.user_id,
          posting_id: app.posting_id,
          interview_type: input.interview_type,
          scheduled_date: new Date(input.scheduled_date).toISOString(),
          duration_minutes: input.duration_minutes,
          status: 'scheduled',
          calendar_event_id: input.calendar_event_id ?? null,
          notes: input.notes ?? null,
          created_at: stamp,
          updated_at: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = toInterviewData({ ...row, company: app.company, job_title: app.job_title });
      await tx.emit({ topic: topics.user(app.user_id), type: EventTypes.interviewScheduled, data });
      await recordInterviewStep(tx, TimelineKind.interviewScheduled, user.userId, data, stamp);
      return data;
    });
  }

  /** Reschedules or edits; emits `interview.updated` with the fields that changed. */
  async update(actor: Principal, id: number, patch: z.output<typeof InterviewPatch>): Promise<InterviewData> {
    return this.#store.transaction(async (tx) => {
      const row = await this.#editable(tx, actor, id);
      const values: Record<string, unknown> = { ...patch, updated_at: now() };
      if (patch.scheduled_date) {
        values.scheduled_date = new Date(patch.scheduled_date).toISOString();
        values.reminders_sent = '[]'; // a new time gets its reminders again
      }
      const updated = await tx.db
        .updateTable('interviews')
        .set(values)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = toInterviewData({ ...updated, company: row.company, job_title: row.job_title });
      const changes = Object.keys(patch);
      await tx.emit({
        topic: topics.user(row.user_id),
        type: EventTypes.interviewUpdated,
        data: { ...data, changes },
      });
      await recordInterviewStep(tx, TimelineKind.interviewUpdated, actor.userId, data, updated.updated_at, {
        changes,
      });
      return data;
    });
  }

  async cancel(actor: Principal, id: number): Promise<InterviewData> {
    return this.#store.transaction(async (tx) => {
      const row = await this.#editable(tx, actor, id);
      const updated = await tx.db
        .updateTable('interviews')
        .set({ status: 'cancelled', updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = toInterviewData({ ...updated, company: row.company, job_title: row.job_title });
      await tx.emit({ topic: topics.user(row.user_id), type: EventTypes.interviewCancelled, data });
      await recordInterviewStep(tx, TimelineKind.interviewCancelled, actor.userId, data, updated.updated_at);
      return data;
    });
  }

  async list(actor: Principal, limit: number, offset: number): Promise<InterviewData[]> {
    const user = signedIn(actor);
    let q = this.#joined(this.#store.db);
    if (!isAdmin(user)) {
      q = q.where((eb) =>
        eb.or([eb('interviews.user_id', '=', user.userId), eb('postings.posted_by', '=', user.userId)]),
      );
    }
    const rows = await q.orderBy('interviews.scheduled_date', 'asc').limit(limit).offset(offset).execute();
    return rows.map(toInterviewData);
  }

  #joined(db: Store['db']) {
    return db
      .selectFrom('interviews')
      .innerJoin('postings', 'postings.id', 'interviews.posting_id')
      .selectAll('interviews')
      .select(['postings.company', 'postings.job_title', 'postings.posted_by as recruiter']);
  }

  async #editable(tx: Tx, actor: Principal, id: number): Promise<Row> {
    const user = signedIn(actor);
    const row = await this.#joined(tx.db).where('interviews.id', '=', id).executeTakeFirst();
    if (!row || !(isAdmin(user) || row.user_id === user.userId || row.recruiter === user.userId)) {
      throw notFound(`interview ${id}`);
    }
    if (row.status !== 'scheduled') throw new AppError(ErrorCode.conflict, `this interview is ${row.status}`);
    return row;
  }
}

/** The interview's step on its application's timeline, in the interview's transaction. */
function recordInterviewStep(
  tx: Tx,
  kind: TimelineKind,
  actorId: string | null,
  data: InterviewData,
  at: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  return recordStep(tx.db, {
    applicationId: data.application_id,
    kind,
    actorId,
    detail: {
      interview_id: data.interview_id,
      interview_type: data.interview_type,
      scheduled_date: data.scheduled_date,
      status: data.status,
      ...extra,
    },
    at,
  });
}
