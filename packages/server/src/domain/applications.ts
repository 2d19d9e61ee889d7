import {
  ErrorCode,
  EventTypes,
  topics,
  type ApplicationCreatedData,
  type ApplicationStatus,
  type ApplicationStatusChangedData,
} from '@jobstream/protocol';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { Application as ApplicationRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { isAdmin, notFound, now, requireRole, signedIn } from './access.js';
import { FollowupCadence } from './followup-cadence.js';
import { recordStep, timelineOf, TimelineKind, type TimelineEntry } from './timeline.js';

export type Application = ApplicationRow & { company: string; job_title: string };

/** Forward steps a recruiter (or admin) takes; terminal states allow nothing. */
const forward: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  pending: ['reviewing', 'rejected'],
  reviewing: ['interviewing', 'rejected'],
  interviewing: ['offer_received', 'rejected'],
  offer_received: ['rejected'],
  accepted: [],
  rejected: [],
  withdrawn: [],
};
/** What the applicant may do: withdraw while it is open, accept an offer. */
const byApplicant: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  pending: ['withdrawn'],
  reviewing: ['withdrawn'],
  interviewing: ['withdrawn'],
  offer_received: ['accepted', 'withdrawn'],
  accepted: [],
  rejected: [],
  withdrawn: [],
};

/**
 * Applications: a job seeker applies to a posting (`application.created` to the applicant and to the
 * posting's recruiter); status changes follow the pipeline (`application.status_changed` to the
 * applicant and to the posting's recruiter). An invalid transition is refused with 409.
 */
export class ApplicationService {
  readonly #store: Store;
  readonly #cadence: FollowupCadence;

  /** `followupDays`: FOLLOWUP_DAYS, the cadence's business days. @default 5 */
  constructor(store: Store, options: { followupDays?: number } = {}) {
    this.#store = store;
    this.#cadence = new FollowupCadence(options.followupDays ?? 5);
  }

  async apply(actor: Principal, postingId: number, coverLetter: string | null): Promise<Application> {
    const user = requireRole(actor, 'job_seeker');
    return this.#store.transaction(async (tx) => {
      const posting = await tx.db
        .selectFrom('postings')
        .select(['id', 'company', 'job_title', 'posted_by', 'is_active'])
        .where('id', '=', postingId)
        .executeTakeFirst();
      if (!posting) throw notFound(`posting ${postingId}`);
      if (posting.is_active !== 1) throw new AppError(ErrorCode.conflict, 'this posting is no longer active');
      const existing = await tx.db
        .selectFrom('applications')
        .select('id')
        .where('posting_id', '=', postingId)
        .where('user_id', '=', user.userId)
        .executeTakeFirst();
      if (existing) throw new AppError(ErrorCode.conflict, `already applied (application ${existing.id})`);
      const applicant = await tx.db
        .selectFrom('users')
        .select('name')
        .where('id', '=', user.userId)
        .executeTakeFirst();
      const stamp = now();
      const row = await tx.db
        .insertInto('applications')
        .values({
          posting_id: postingId,
          user_id: user.userId,
          status: 'pending',
          cover_letter: coverLetter,
          created_at: stamp,
          updated_at: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const data: ApplicationCreatedData = {
        application_id: row.id,
        job_id: posting.id,
        company: posting.company,
        job_title: posting.job_title,
        applicant_id: user.userId,
        applicant_name: applicant?.name ?? '',
        status: row.status,
        created_at: row.created_at,
      };
      await tx.emit({ topic: topics.user(user.userId), type: EventTypes.applicationCreated, data });
      if (posting.posted_by && posting.posted_by !== user.userId) {
        await tx.emit({ topic: topics.user(posting.posted_by), type: EventTypes.applicationCreated, data });
      }
      await recordStep(tx.db, {
        applicationId: row.id,
        kind: TimelineKind.applied,
        actorId: user.userId,
        detail: { status: row.status },
        at: stamp,
      });
      const application = { ...row, company: posting.company, job_title: posting.job_title };
      await this.#cadence.propose(tx, application, new Date(stamp));
      return application;
    });
  }

  /** The actor's applications: a seeker's own; a recruiter's postings'; all for an admin. */
  async list(actor: Principal, limit: number, offset: number): Promise<Application[]> {
    const user = signedIn(actor);
    let q = this.#store.db
      .selectFrom('applications')
      .innerJoin('postings', 'postings.id', 'applications.posting_id')
      .selectAll('applications')
      .select(['postings.company', 'postings.job_title']);
    if (user.role === 'job_seeker') q = q.where('applications.user_id', '=', user.userId);
    else if (user.role === 'recruiter') q = q.where('postings.posted_by', '=', user.userId);
    return q.orderBy('applications.id', 'desc').limit(limit).offset(offset).execute();
  }

  async get(actor: Principal, id: number): Promise<Application> {
    const found = await this.#find(this.#store, id);
    this.#assertCanSee(actor, found);
    return found.application;
  }

  /** The application's steps, oldest first; whoever may read the application may read them. */
  async timeline(actor: Principal, id: number): Promise<TimelineEntry[]> {
    const found = await this.#find(this.#store, id);
    this.#assertCanSee(actor, found);
    return timelineOf(this.#store.db, id);
  }

  async changeStatus(actor: Principal, id: number, status: ApplicationStatus): Promise<Application> {
    const user = signedIn(actor);
    return this.#store.transaction(async (tx) => {
      const { application, recruiter } = await this.#find(tx, id);
      this.#assertCanSee(user, { application, recruiter });
      const old = application.status;
      const isApplicant = application.user_id === user.userId;
      const allowed = new Set<ApplicationStatus>([
        ...(isApplicant ? byApplicant[old] : []),
        ...(recruiter === user.userId || isAdmin(user) ? forward[old] : []),
      ]);
      if (!allowed.has(status)) {
        throw new AppError(ErrorCode.conflict, `cannot move an application from ${old} to ${status}`);
      }
      const updated = await tx.db
        .updateTable('applications')
        .set({ status, updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const data: ApplicationStatusChangedData = {
        application_id: id,
        job_id: application.posting_id,
        company: application.company,
        job_title: application.job_title,
        applicant_id: application.user_id,
        old_status: old,
        new_status: status,
        timestamp: updated.updated_at,
      };
      await tx.emit({
        topic: topics.user(application.user_id),
        type: EventTypes.applicationStatusChanged,
        data,
      });
      if (recruiter && recruiter !== application.user_id) {
        await tx.emit({ topic: topics.user(recruiter), type: EventTypes.applicationStatusChanged, data });
      }
      await recordStep(tx.db, {
        applicationId: id,
        kind: TimelineKind.statusChanged,
        actorId: user.userId,
        detail: { old_status: old, new_status: status },
        at: updated.updated_at,
      });
      await this.#cadence.moved(tx, application, status, new Date(updated.updated_at));
      return { ...updated, company: application.company, job_title: application.job_title };
    });
  }

  async #find(
    source: Store | { db: Store['db'] },
    id: number,
  ): Promise<{ application: Application; recruiter: string | null }> {
    const row = await source.db
      .selectFrom('applications')
      .innerJoin('postings', 'postings.id', 'applications.posting_id')
      .selectAll('applications')
      .select(['postings.company', 'postings.job_title', 'postings.posted_by'])
      .where('applications.id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`application ${id}`);
    const { posted_by, ...application } = row;
    return { application, recruiter: posted_by };
  }

  #assertCanSee(actor: Principal, found: { application: Application; recruiter: string | null }): void {
    const user = signedIn(actor);
    if (isAdmin(user) || found.application.user_id === user.userId || found.recruiter === user.userId) return;
    throw notFound(`application ${found.application.id}`);
  }
}
