import type { Generated, Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

// Type aliases, not interfaces: `withTables` wants index-signature-compatible records (migration 0013).

/** One inbox item, addressed to `user:{id}`, `role:{role}` or `everyone`. */
export type InboxItemsTable = {
  id: Generated<number>;
  audience: string;
  kind: string;
  summary: string;
  /** The event's data, JSON. */
  data: string;
  created_at: string;
};

/** That a user read an item. */
export type InboxReadsTable = { item_id: number; user_id: string; read_at: string };

/** A user's "read all": every item up to `read_up_to` is read. */
export type InboxMarksTable = { user_id: string; read_up_to: number; updated_at: string };

/** The follow-up that applying proposed for an application (the cadence moves or cancels only it). */
export type FollowupCadenceTable = { application_id: number; followup_id: number };

/** One step of an application: a status change, an interview, a follow-up. */
export type ApplicationTimelineTable = {
  id: Generated<number>;
  application_id: number;
  kind: string;
  actor_id: string | null;
  /** JSON: what the step was. */
  detail: string;
  at: string;
};

export type InboxTables = {
  inbox_items: InboxItemsTable;
  inbox_reads: InboxReadsTable;
  inbox_marks: InboxMarksTable;
  followup_cadence: FollowupCadenceTable;
  application_timeline: ApplicationTimelineTable;
};

/** The store's database with the inbox, cadence and timeline tables in view. */
export type InboxDb = Kysely<Database & InboxTables>;

export function inboxDb(db: Kysely<Database>): InboxDb {
  return db.withTables<InboxTables>();
}
