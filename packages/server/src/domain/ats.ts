import { EventTypes, topics, type ApplicationStatus } from '@jobstream/protocol';
import { sql } from 'kysely';
import type { Store, Tx } from '../store/store.js';
import type { AtsEvent } from '../webhooks/normalise.js';
import type { Vendor } from '../webhooks/signatures.js';
import { toInterviewData } from './interviews.js';
import { now } from './access.js';
import { FollowupCadence } from './followup-cadence.js';
import { recordStep, TimelineKind } from './timeline.js';
import type { PostingService } from './postings.js';

/** What a delivery did: applied, a retry already seen, older than what was applied, or nothing to map. */
export type Outcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

const VENDOR_NAMES: Record<Vendor, string> = { greenhouse: 'Greenhouse', lever: 'Lever', ashby: 'Ashby' };

/**
 * ATS deliveries onto postings, applications and interviews, each in one transaction with its canonical
 * events. A delivery id is applied once; a change to one vendor thing older than the last one applied
 * to it (by the vendor's own time) changes nothing, so an application never moves backwards. A
 * candidate is the Jobstream user with their e-mail (none: the delivery is recorded and ignored).
 */
export class AtsService {
  readonly #store: Store;
  readonly #postings: PostingService;
  readonly #cadence: FollowupCadence;

  /** `followupDays`: FOLLOWUP_DAYS, for the cadence's follow-up a vendor's status change moves. @default 5 */
  constructor(store: Store, postings: PostingService, options: { followupDays?: number } = {}) {
    this.#cadence = new FollowupCadence(options.followupDays ?? 5);
    this.#store = store;
    this.#postings = postings;
  }

  receive(vendor: Vendor, deliveryId: string, event: AtsEvent | null): Promise<Outcome> {
    return this.#store.transaction(async (tx) => {
      // One vendor's deliveries one at a time across nodes, so that two at once cannot both fold over
      // the same mark (SQLite runs one transaction at a time anyway).
      if (this.#store.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${`jobstream-ats:${vendor}`}))`.execute(tx.db);
      const inserted = await tx.db
        .insertInto('webhook_deliveries')
        .values({ vendor, event_id: deliveryId, received_at: now() })
        .onConflict((oc) => oc.columns(['vendor', 'event_id']).doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!inserted) return 'duplicate';
      if (!event) return 'ignored';
      if (event.kind === 'job_opened' || event.kind === 'job_closed') return this.#job(tx, vendor, event);
      return this.#application(tx, vendor, event);
    });
  }

  async #job(tx: Tx, vendor: Vendor, event: AtsEvent): Promise<Outcome> {
    const mark = await entity(tx, vendor, `job:${event.job.id}`);
    if (mark && mark.last_at >= event.at) return 'stale';
    await this.#posting(tx, vendor, event, event.kind === 'job_opened');
    return 'applied';
  }

  /** The job's posting (made when first heard of), opened or closed as the vendor says. */
  async #posting(tx: Tx, vendor: Vendor, event: AtsEvent, active: boolean | null): Promise<number> {
    const key = `job:${event.job.id}`;
    const mark = await entity(tx, vendor, key);
    const row = mark
      ? await tx.db.selectFrom('postings').selectAll().where('id', '=', mark.local_id).executeTakeFirst()
      : undefined;
    let id: number;
    if (row) {
      const folds = active !== null && mark !== undefined && mark.last_at < event.at;
      if (folds) await this.#postings.apply(tx, row, { is_active: active, job_title: event.job.title });
      id = row.id;
    } else {
      const input = {
        company: event.job.company ?? VENDOR_NAMES[vendor],
        job_title: event.job.title.slice(0, 200),
        job_description: '',
        location: event.job.location,
        source: vendor,
        skills_required: [],
        is_active: active ?? true,
      };
      id = (await this.#postings.insert(tx, input, null, `ats:${event.job.id}`)).id;
    }
    await mark_(tx, vendor, key, id, active === null ? (mark?.last_at ?? '') : event.at);
    return id;
  }

  async #application(tx: Tx, vendor: Vendor, event: AtsEvent): Promise<Outcome> {
    const app = event.application;
    if (!app) return 'ignored';
    const user = await tx.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('email', '=', app.email.toLowerCase())
      .executeTakeFirst();
    if (!user) return 'ignored';
    const postingId = await this.#posting(tx, vendor, event, null);
    const posting = await tx.db
      .selectFrom('postings')
      .select(['id', 'company', 'job_title', 'posted_by'])
      .where('id', '=', postingId)
      .executeTakeFirstOrThrow();
    const key = `application:${app.id}`;
    const mark = await entity(tx, vendor, key);
    let row = mark
      ? await tx.db.selectFrom('applications').selectAll().where('id', '=', mark.local_id).executeTakeFirst()
      : await tx.db
          .selectFrom('applications')
          .selectAll()
          .where('posting_id', '=', postingId)
          .where('user_id', '=', user.id)
          .executeTakeFirst();
    let outcome: Outcome = 'stale';
    const head = { job_id: posting.id, company: posting.company, job_title: posting.job_title };
    if (!row) {
      const stamp = now();
      row = await tx.db
        .insertInto('applications')
        .values({
          posting_id: postingId,
          user_id: user.id,
          status: app.status,
          cover_letter: null,
          created_at: stamp,
          updated_at: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const data = {
        application_id: row.id,
        ...head,
        applicant_id: user.id,
        applicant_name: user.name,
        status: row.status,
        created_at: row.created_at,
      };
      await tx.emit({ topic: topics.user(user.id), type: EventTypes.applicationCreated, data });
      if (posting.posted_by && posting.posted_by !== user.id)
        await tx.emit({ topic: topics.user(posting.posted_by), type: EventTypes.applicationCreated, data });
      await recordStep(tx.db, {
        applicationId: row.id,
        kind: TimelineKind.applied,
        actorId: null,
        detail: { status: row.status, source: vendor },
        at: stamp,
      });
      outcome = 'applied';
    } else if (!mark || mark.last_at < event.at) {
      await this.#status(tx, row, app.status, head, vendor);
      outcome = 'applied';
    }
    if (!mark || mark.last_at < event.at) await mark_(tx, vendor, key, row.id, event.at);
    if (event.kind === 'interview' && event.interview) {
      const made = await this.#interview(tx, vendor, event.interview, row, head);
      if (made) outcome = 'applied';
    }
    return outcome;
  }

  async #status(
    tx: Tx,
    row: { id: number; user_id: string; status: ApplicationStatus },
    status: ApplicationStatus,
    head: { job_id: number; company: string; job_title: string },
    vendor: Vendor,
  ): Promise<void> {
    if (row.status === status) return;
    const stamp = now();
    await tx.db
      .updateTable('applications')
      .set({ status, updated_at: stamp })
      .where('id', '=', row.id)
      .execute();
    const data = {
      application_id: row.id,
      ...head,
      applicant_id: row.user_id,
      old_status: row.status,
      new_status: status,
      timestamp: stamp,
    };
    await tx.emit({ topic: topics.user(row.user_id), type: EventTypes.applicationStatusChanged, data });
    // The vendor's step: no Jobstream user took it.
    await recordStep(tx.db, {
      applicationId: row.id,
      kind: TimelineKind.statusChanged,
      actorId: null,
      detail: { old_status: row.status, new_status: status, source: vendor },
      at: stamp,
    });
    // The applicant's own cadence follow-up moves with the vendor's status as with anyone's.
    await this.#cadence.moved(
      tx,
      { id: row.id, user_id: row.user_id, posting_id: head.job_id, ...head },
      status,
      new Date(stamp),
    );
  }

  /** The vendor's interview, once (by its id). */
  async #interview(
    tx: Tx,
    vendor: Vendor,
    interview: NonNullable<AtsEvent['interview']>,
    app: { id: number; user_id: string; posting_id: number },
    head: { company: string; job_title: string },
  ): Promise<boolean> {
    const key = `interview:${interview.id}`;
    if (await entity(tx, vendor, key)) return false;
    const stamp = now();
    const row = await tx.db
      .insertInto('interviews')
      .values({
        application_id: app.id,
        user_id: app.user_id,
        posting_id: app.posting_id,
        interview_type: 'interview',
        scheduled_date: interview.scheduledAt,
        duration_minutes: interview.minutes,
        status: 'scheduled',
        calendar_event_id: `${vendor}:${interview.id}`,
        notes: null,
        created_at: stamp,
        updated_at: stamp,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const data = toInterviewData({ ...row, ...head });
    await tx.emit({ topic: topics.user(app.user_id), type: EventTypes.interviewScheduled, data });
    await recordStep(tx.db, {
      applicationId: app.id,
      kind: TimelineKind.interviewScheduled,
      actorId: null,
      detail: {
        interview_id: row.id,
        interview_type: row.interview_type,
        scheduled_date: row.scheduled_date,
        source: vendor,
      },
      at: stamp,
    });
    await mark_(tx, vendor, key, row.id, stamp);
    return true;
  }
}

function entity(tx: Tx, vendor: Vendor, key: string) {
  return tx.db
    .selectFrom('ats_entities')
    .selectAll()
    .where('vendor', '=', vendor)
    .where('entity', '=', key)
    .executeTakeFirst();
}

async function mark_(tx: Tx, vendor: Vendor, key: string, localId: number, at: string): Promise<void> {
  await tx.db
    .insertInto('ats_entities')
    .values({ vendor, entity: key, local_id: localId, last_at: at })
    .onConflict((oc) => oc.columns(['vendor', 'entity']).doUpdateSet({ local_id: localId, last_at: at }))
    .execute();
}
