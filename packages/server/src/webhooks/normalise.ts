import { createHash } from 'node:crypto';
import type { ApplicationStatus } from '@jobstream/protocol';
import type { Vendor } from './signatures.js';

/** A vendor's delivery as Jobstream folds it; `null` from {@link normalise}: nothing it maps. */
export interface AtsEvent {
  /** The vendor's event id (Lever's `id`; Greenhouse and Ashby send none: the body's digest). */
  readonly id: string;
  /** The vendor's own time of the change (ISO), by which changes to one thing are folded. */
  readonly at: string;
  readonly kind: 'application' | 'interview' | 'job_opened' | 'job_closed';
  readonly job: { id: string; title: string; location: string | null; company: string | null };
  readonly application?: {
    readonly id: string;
    readonly email: string;
    readonly status: ApplicationStatus;
  };
  readonly interview?: { readonly id: string; readonly scheduledAt: string; readonly minutes: number };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null;
const iso = (v: unknown): string | null => {
  const text = str(v);
  const ms = text === null ? NaN : /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

/** A stage's name as a Jobstream status: the vendors name stages freely. */
export function statusOfStage(stage: string, outcome?: string | null): ApplicationStatus {
  const text = `${outcome ?? ''} ${stage}`.toLowerCase();
  if (/hired|accepted/.test(text)) return 'accepted';
  if (/reject|archived|declined/.test(text)) return 'rejected';
  if (/offer/.test(text)) return 'offer_received';
  if (/interview|screen|onsite|technical|assessment/.test(text)) return 'interviewing';
  if (/review/.test(text)) return 'reviewing';
  return 'pending';
}

/** What a verified delivery says, in Jobstream's terms. */
export function normalise(vendor: Vendor, raw: Buffer, body: unknown): AtsEvent | null {
  const digest = createHash('sha256').update(raw).digest('hex');
  return vendor === 'greenhouse'
    ? greenhouse(obj(body), digest)
    : vendor === 'ashby'
      ? ashby(obj(body), digest)
      : lever(obj(body));
}

/**
 * Greenhouse: `{action, payload}`: new_candidate_application, candidate_stage_change, offer_created,
 * hire_candidate, reject_candidate (each with `payload.application`), job_created|updated|deleted.
 */
function greenhouse(body: Json, digest: string): AtsEvent | null {
  const payload = obj(body.payload);
  const action = str(body.action);
  if (action === 'job_created' || action === 'job_updated' || action === 'job_deleted') {
    const job = obj(payload.job);
    const id = str(job.id);
    const at = iso(job.updated_at ?? job.created_at);
    if (!id || !at) return null;
    const open = action !== 'job_deleted' && str(job.status) === 'open';
    const office = obj((job.offices as unknown[] | undefined)?.[0]);
    return {
      id: digest,
      at,
      kind: open ? 'job_opened' : 'job_closed',
      job: { id, title: str(job.name) ?? 'Untitled', location: str(office.name), company: null },
    };
  }
  const stages: Record<string, string | null> = {
    new_candidate_application: null,
    candidate_stage_change: null,
    offer_created: 'Offer',
    hire_candidate: 'Hired',
    reject_candidate: 'Rejected',
  };
  if (action === null || !(action in stages)) return null;
  const app = obj(payload.application);
  const job = obj((app.jobs as unknown[] | undefined)?.[0]);
  const email = str(obj((obj(app.candidate).email_addresses as unknown[] | undefined)?.[0]).value);
  const id = str(app.id);
  const jobId = str(job.id);
  const at = iso(app.last_activity_at ?? payload.created_at);
  if (!id || !jobId || !email || !at) return null;
  const stage = stages[action] ?? str(obj(app.current_stage).name) ?? '';
  return {
    id: digest,
    at,
    kind: 'application',
    job: { id: jobId, title: str(job.name) ?? 'Untitled', location: null, company: null },
    application: { id, email, status: statusOfStage(stage, str(app.status)) },
  };
}

/** Ashby: `{action, data}`, applicationUpdate / candidateStageChange / interviewScheduleCreate / offerCreate / jobPostingPublish|Unpublish. */
function ashby(body: Json, digest: string): AtsEvent | null {
  const data = obj(body.data);
  const action = str(body.action);
  if (action === 'jobPostingPublish' || action === 'jobPostingUnpublish') {
    const post = obj(data.jobPosting);
    const id = str(post.jobId ?? post.id);
    const at = iso(post.updatedAt ?? post.publishedDate);
    if (!id || !at) return null;
    return {
      id: digest,
      at,
      kind: action === 'jobPostingPublish' ? 'job_opened' : 'job_closed',
      job: { id, title: str(post.title) ?? 'Untitled', location: str(post.locationName), company: null },
    };
  }
  const app = obj(data.application);
  const job = obj(app.job);
  const email = str(obj(obj(app.candidate).primaryEmailAddress).value);
  const id = str(app.id);
  const jobId = str(job.id);
  const at = iso(app.updatedAt);
  if (!id || !jobId || !email || !at) return null;
  const head = {
    id: digest,
    at,
    job: { id: jobId, title: str(job.title) ?? 'Untitled', location: str(job.locationName), company: null },
  };
  if (action === 'interviewScheduleCreate') {
    const schedule = obj(data.interviewSchedule);
    const event = obj((schedule.interviewEvents as unknown[] | undefined)?.[0]);
    const start = iso(event.startTime);
    const end = iso(event.endTime);
    const scheduleId = str(schedule.id);
    if (!start || !scheduleId) return null;
    const minutes = end ? Math.max(1, Math.round((Date.parse(end) - Date.parse(start)) / 60_000)) : 60;
    return {
      ...head,
      kind: 'interview',
      application: { id, email, status: 'interviewing' },
      interview: { id: scheduleId, scheduledAt: start, minutes },
    };
  }
  if (action === 'offerCreate')
    return { ...head, kind: 'application', application: { id, email, status: 'offer_received' } };
  if (action !== 'candidateStageChange' && action !== 'applicationUpdate') return null;
  const stage = str(obj(app.currentInterviewStage).title) ?? '';
  const outcome = str(app.status);
  return { ...head, kind: 'application', application: { id, email, status: statusOfStage(stage, outcome) } };
}

/**
 * Lever names no stage and no e-mail in its bodies (only ids, to be looked up in its API, which a
 * webhook receiver without a Lever API key cannot): its deliveries are verified and recorded, and
 * those that carry a candidate's e-mail and stage text, as Lever's posting-level events may, are folded.
 */
function lever(body: Json): AtsEvent | null {
  const data = obj(body.data);
  const id = str(body.id);
  const at = iso(body.triggeredAt);
  const email = str(data.email);
  const appId = str(data.opportunityId);
  const jobId = str(data.postingId);
  const stage = str(obj(data.toStage).text);
  if (!id || !at || !email || !appId || !jobId || !stage) return null;
  return {
    id,
    at,
    kind: 'application',
    job: { id: jobId, title: str(data.postingTitle) ?? 'Untitled', location: null, company: null },
    application: { id: appId, email, status: statusOfStage(stage) },
  };
}
