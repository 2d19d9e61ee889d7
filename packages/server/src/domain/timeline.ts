import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { inboxDb } from './inbox-tables.js';

/** The steps an application's timeline keeps. */
export const TimelineKind = {
  applied: 'applied',
  statusChanged: 'status_changed',
  interviewScheduled: 'interview_scheduled',
  interviewUpdated: 'interview_updated',
  interviewCancelled: 'interview_cancelled',
  followupScheduled: 'followup_scheduled',
  followupRescheduled: 'followup_rescheduled',
  followupCancelled: 'followup_cancelled',
  followupDue: 'followup_due',
  followupSent: 'followup_sent',
} as const;
export type TimelineKind = (typeof TimelineKind)[keyof typeof TimelineKind];

/** One step as `GET /api/v1/applications/{id}/timeline` answers it. */
export interface TimelineEntry {
  readonly id: number;
  readonly kind: string;
  /** Who took the step: a user id, or null for the server's own (a follow-up coming due, an ATS). */
  readonly actor_id: string | null;
  readonly actor_name: string | null;
  readonly detail: Record<string, unknown>;
  readonly at: string;
}

/** At most this many steps are answered (the oldest first). */
export const TIMELINE_MAX = 500;

/** Records a step of an application, in the caller's transaction (with the step's own event). */
export async function recordStep(
  db: Kysely<Database>,
  step: {
    applicationId: number;
    kind: TimelineKind;
    actorId: string | null;
    detail: Record<string, unknown>;
    at: string;
  },
): Promise<void> {
  await inboxDb(db)
    .insertInto('application_timeline')
    .values({
      application_id: step.applicationId,
      kind: step.kind,
      actor_id: step.actorId,
      detail: JSON.stringify(step.detail),
      at: step.at,
    })
    .execute();
}

/** An application's steps in the order they happened. The caller has checked who may read it. */
export async function timelineOf(db: Kysely<Database>, applicationId: number): Promise<TimelineEntry[]> {
  const rows = await inboxDb(db)
    .selectFrom('application_timeline as t')
    .leftJoin('users as u', 'u.id', 't.actor_id')
    .select(['t.id', 't.kind', 't.actor_id', 'u.name as actor_name', 't.detail', 't.at'])
    .where('t.application_id', '=', applicationId)
    .orderBy('t.id', 'asc')
    .limit(TIMELINE_MAX)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    kind: row.kind,
    actor_id: row.actor_id,
    actor_name: row.actor_name,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    at: row.at,
  }));
}
