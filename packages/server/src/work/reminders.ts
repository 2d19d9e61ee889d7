import {
  describeTimeUntil,
  EventTypes,
  topics,
  type FollowupDueData,
  type InterviewReminderData,
} from '@jobstream/protocol';
import { toFollowupData } from '../domain/followups.js';
import { toInterviewData } from '../domain/interviews.js';
import { parseJsonArray } from '../domain/access.js';
import { recordStep, TimelineKind } from '../domain/timeline.js';
import type { UpdateResult } from 'kysely';
import type { Store, Tx } from '../store/store.js';

/** The reminders channels.md names: 1 day, 1 hour and 15 minutes before an interview. */
export const INTERVIEW_REMINDERS = [
  { name: '1d', ms: 24 * 3_600_000 },
  { name: '1h', ms: 3_600_000 },
  { name: '15m', ms: 15 * 60_000 },
] as const;

/** A follow-up is "due soon" (channels.md's `followup.due`) this long before its date. */
export const FOLLOWUP_DUE_LEAD_MS = 2 * 3_600_000;

/**
 * Interview reminders and follow-ups coming due, each sent exactly once: the row records what was
 * sent, and is changed only if nobody changed it first, in the same transaction as the event. So a
 * restart, or two nodes ticking at once, never sends one twice, and a crash never loses one.
 */
export class Reminders {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Sends whatever is due at `at`; answers how many events it sent. */
  async send(at = Date.now()): Promise<number> {
    return (await this.#interviews(at)) + (await this.#followups(at));
  }

  /**
   * Each reminder goes when its moment comes. One that is late by more than a tenth of its lead (the
   * server was down, or the interview was booked at short notice) is dropped if a closer one is still
   * to come, so that nobody hears "in 1 hour" sixteen minutes before and then again at fifteen; the
   * last one (15 minutes) is sent however late, while the interview is still ahead, with the true time
   * left.
   */
  async #interviews(at: number): Promise<number> {
    const from = new Date(at).toISOString();
    const until = new Date(at + INTERVIEW_REMINDERS[0].ms).toISOString();
    const rows = await this.#store.db
      .selectFrom('interviews')
      .innerJoin('postings', 'postings.id', 'interviews.posting_id')
      .selectAll('interviews')
      .select(['postings.company', 'postings.job_title'])
      .where('interviews.status', '=', 'scheduled')
      .where('interviews.scheduled_date', '>', from)
      .where('interviews.scheduled_date', '<=', until)
      .execute();
    let sent = 0;
    for (const row of rows) {
      const startsAt = Date.parse(row.scheduled_date);
      const already = new Set(parseJsonArray(row.reminders_sent));
      const due = INTERVIEW_REMINDERS.filter((r) => startsAt - r.ms <= at && !already.has(r.name));
      const latest = due[due.length - 1];
      if (!latest) continue;
      const isLast = latest === INTERVIEW_REMINDERS[INTERVIEW_REMINDERS.length - 1];
      const late = at - (startsAt - latest.ms) > latest.ms / 10;
      const send = !late || isLast;
      const marked = JSON.stringify([...already, ...due.map((r) => r.name)]);
      const claimed = await this.#once(
        (tx) =>
          tx.db
            .updateTable('interviews')
            .set({ reminders_sent: marked })
            .where('id', '=', row.id)
            .where('reminders_sent', '=', row.reminders_sent)
            .where('scheduled_date', '=', row.scheduled_date)
            .executeTakeFirst(),
        send && {
          topic: topics.user(row.user_id),
          type: EventTypes.interviewReminder,
          data: {
            ...toInterviewData(row),
            reminder: latest.name,
            time_until: describeTimeUntil(startsAt - at),
          } satisfies InterviewReminderData,
        },
      );
      if (claimed) sent++;
    }
    return sent;
  }

  async #followups(at: number): Promise<number> {
    const until = new Date(at + FOLLOWUP_DUE_LEAD_MS).toISOString();
    const rows = await this.#store.db
      .selectFrom('followups')
      .innerJoin('postings', 'postings.id', 'followups.posting_id')
      .selectAll('followups')
      .select(['postings.company', 'postings.job_title'])
      .where('followups.status', '=', 'pending')
      .where('followups.due_notified_at', 'is', null)
      .where('followups.scheduled_date', '<=', until)
      .execute();
    let sent = 0;
    for (const row of rows) {
      const hours = Math.max(0, Math.round((Date.parse(row.scheduled_date) - at) / 3_600_000));
      const claimed = await this.#once(
        (tx) =>
          tx.db
            .updateTable('followups')
            .set({ due_notified_at: new Date(at).toISOString() })
            .where('id', '=', row.id)
            .where('due_notified_at', 'is', null)
            .where('status', '=', 'pending')
            .executeTakeFirst(),
        {
          topic: topics.user(row.user_id),
          type: EventTypes.followupDue,
          data: { ...toFollowupData(row), hours_until_due: hours } satisfies FollowupDueData,
        },
        row.application_id === null
          ? undefined
          : (tx) =>
              recordStep(tx.db, {
                applicationId: row.application_id ?? 0,
                kind: TimelineKind.followupDue,
                actorId: null,
                detail: {
                  followup_id: row.id,
                  followup_type: row.followup_type,
                  scheduled_date: row.scheduled_date,
                },
                at: new Date(at).toISOString(),
              }),
      );
      if (claimed) sent++;
    }
    return sent;
  }

  /**
   * In one transaction: `mark` records on the row that this was done (it changes nothing when another
   * tick or node did it first), and the event, if any, commits with it. Answers whether it was sent.
   */
  async #once(
    mark: (tx: Tx) => Promise<UpdateResult>,
    event: { topic: string; type: string; data: unknown } | false,
    also?: (tx: Tx) => Promise<void>,
  ): Promise<boolean> {
    return this.#store.transaction(async (tx) => {
      const result = await mark(tx);
      if (Number(result.numUpdatedRows) !== 1 || !event) return false;
      await tx.emit(event);
      await also?.(tx);
      return true;
    });
  }
}
