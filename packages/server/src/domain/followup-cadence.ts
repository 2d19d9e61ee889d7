import { EventTypes, topics, type ApplicationStatus } from '@jobstream/protocol';
import type { Tx } from '../store/store.js';
import { toFollowupData } from './followups.js';
import { inboxDb } from './inbox-tables.js';
import { recordStep, TimelineKind } from './timeline.js';

/** The statuses after which nobody follows up: the cadence's follow-up is cancelled. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['accepted', 'rejected', 'withdrawn'];

/** The follow-up type the cadence proposes. */
export const CADENCE_FOLLOWUP_TYPE = 'check_in';

/** `days` business days after `from` (Saturdays and Sundays skipped, UTC), at the same time of day. */
export function addBusinessDays(from: Date, days: number): Date {
  const at = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    at.setUTCDate(at.getUTCDate() + 1);
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}

interface CadenceApplication {
  readonly id: number;
  readonly user_id: string;
  readonly posting_id: number;
  readonly company: string;
  readonly job_title: string;
}

/**
 * The follow-up cadence: applying proposes a follow-up `days` business days later; while the
 * application moves, each move pushes it to `days` business days after the move (unless it was sent);
 * a final status cancels it. All in the transaction of the application's own change.
 */
export class FollowupCadence {
  readonly #days: number;

  /** @param days FOLLOWUP_DAYS */
  constructor(days: number) {
    this.#days = days;
  }

  /** After applying: proposes the follow-up (`followup.created` to the applicant). */
  async propose(tx: Tx, application: CadenceApplication, at: Date): Promise<void> {
    const scheduled = addBusinessDays(at, this.#days).toISOString();
    const row = await tx.db
      .insertInto('followups')
      .values({
        user_id: application.user_id,
        posting_id: application.posting_id,
        application_id: application.id,
        followup_type: CADENCE_FOLLOWUP_TYPE,
        scheduled_date: scheduled,
        status: 'pending',
        notes: null,
        due_notified_at: null,
        sent_at: null,
        created_at: at.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await inboxDb(tx.db)
      .insertInto('followup_cadence')
      .values({ application_id: application.id, followup_id: row.id })
      .execute();
    const data = toFollowupData({ ...row, company: application.company, job_title: application.job_title });
    await tx.emit({ topic: topics.user(application.user_id), type: EventTypes.followupCreated, data });
    await recordStep(tx.db, {
      applicationId: application.id,
      kind: TimelineKind.followupScheduled,
      actorId: null,
      detail: {
        followup_id: row.id,
        followup_type: row.followup_type,
        scheduled_date: scheduled,
        cadence: true,
      },
      at: at.toISOString(),
    });
  }

  /** After a status change: moves the pending follow-up on, or cancels it for a final status. */
  async moved(tx: Tx, application: CadenceApplication, status: ApplicationStatus, at: Date): Promise<void> {
    const db = inboxDb(tx.db);
    const link = await db
      .selectFrom('followup_cadence')
      .innerJoin('followups', 'followups.id', 'followup_cadence.followup_id')
      .select(['followups.id', 'followups.status'])
      .where('followup_cadence.application_id', '=', application.id)
      .executeTakeFirst();
    if (!link || link.status !== 'pending') return;
    const step = { applicationId: application.id, actorId: null, at: at.toISOString() };
    if (FINAL_STATUSES.includes(status)) {
      // Deleting the follow-up ends its cadence link too (ON DELETE CASCADE).
      await tx.db.deleteFrom('followups').where('id', '=', link.id).execute();
      await recordStep(tx.db, {
        ...step,
        kind: TimelineKind.followupCancelled,
        detail: { followup_id: link.id, reason: status },
      });
      return;
    }
    const scheduled = addBusinessDays(at, this.#days).toISOString();
    await tx.db
      .updateTable('followups')
      .set({ scheduled_date: scheduled, due_notified_at: null })
      .where('id', '=', link.id)
      .execute();
    await recordStep(tx.db, {
      ...step,
      kind: TimelineKind.followupRescheduled,
      detail: { followup_id: link.id, scheduled_date: scheduled, reason: status },
    });
  }
}
