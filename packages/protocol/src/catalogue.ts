import { z } from 'zod';
import type { CanonicalEvent } from './event.js';
import type { Published } from './published.js';
import {
  MatchingCriteriaEventSchema,
  MatchingMatchPersistedEventSchema,
  MatchingSourceSnippetsEventSchema,
  MatchingStatusEventSchema,
  MatchingTargetCandidateEventSchema,
  MatchingTargetEvaluationEventSchema,
  MatchingTargetSearchEventSchema,
  type MatchingEvent,
  type MatchingEventTypeValue,
} from './matching.js';
import { PostingResource, QueueStatsResource, WorkJobResource } from './resources.js';
import type {
  ApplicationStatus,
  Posting,
  QueueStats,
  Recommendation,
  ScrapeReport,
  SourceKind,
  WorkJob,
} from './rest.js';
import {
  ApplicationStatus as ApplicationStatusSchema,
  RemotePreference,
  SourceKind as SourceKindSchema,
} from './rest.js';

/**
 * The event catalogue: every canonical event type, the TypeScript type of its data
 * ({@link EventDataMap}) and a zod schema of that data ({@link eventSchemas}, checked against the type
 * at compile time). `Tx.emit` and the pipelines' `emit` take a catalogued type only with its data, the
 * dialects render from it, and the SDK's typed events are these types. A type that is not catalogued
 * (anything `POST /api/v1/publish` sends) carries `unknown` data.
 */

const iso = z.string();
const id = z.number().int();

// ---- postings and profiles -------------------------------------------------------------------------

export interface PostingCreatedData {
  posting: Posting;
}
export interface PostingUpdatedData {
  posting: Posting;
  /** The fields whose value changed. */
  changes: string[];
}
/** `profile.updated`: a job seeker's profile as REST answers it. */
export interface ProfileUpdatedData {
  profile: {
    user_id: string;
    skills: string[];
    desired_titles: string[];
    locations: string[];
    remote_preference: 'remote' | 'hybrid' | 'onsite' | 'any';
    updated_at: string | null;
  };
}

// ---- applications, interviews, follow-ups ---------------------------------------------------------------

export interface ApplicationCreatedData {
  application_id: number;
  job_id: number;
  company: string;
  job_title: string;
  applicant_id: string;
  applicant_name: string;
  status: ApplicationStatus;
  created_at: string;
}
export interface ApplicationStatusChangedData {
  application_id: number;
  job_id: number;
  company: string;
  job_title: string;
  applicant_id: string;
  old_status: ApplicationStatus;
  new_status: ApplicationStatus;
  timestamp: string;
}
export interface InterviewData {
  interview_id: number;
  application_id: number;
  job_id: number;
  company: string;
  job_title: string;
  interview_type: string;
  scheduled_date: string;
  duration_minutes: number;
  calendar_event_id: string | null;
  status: 'scheduled' | 'cancelled' | 'completed';
}
/** `interview.updated`: the interview after the edit, and the fields the edit named. */
export interface InterviewUpdatedData extends InterviewData {
  changes: string[];
}
/** `interview.reminder`: an interview is 1 day, 1 hour or 15 minutes away. */
export interface InterviewReminderData extends InterviewData {
  reminder: '1d' | '1h' | '15m';
  /** "1 day", "1 hour", "15 minutes": the time left, in channels.md's words. */
  time_until: string;
}
export interface FollowupData {
  followup_id: number;
  job_id: number;
  application_id: number | null;
  company: string;
  job_title: string;
  followup_type: string;
  scheduled_date: string;
  status: 'pending' | 'sent';
}
/** `followup.due`: a follow-up is due within two hours (or overdue). */
export interface FollowupDueData extends FollowupData {
  hours_until_due: number;
}
/** `followup.sent`: the follow-up, marked sent at `sent_at`. */
export interface FollowupSentData extends FollowupData {
  sent_at: string;
}

// ---- notifications -----------------------------------------------------------------------------------

export interface NotificationData {
  notification_id: number;
  notification_type: string;
  message: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  data: Record<string, unknown>;
  /** Who it was addressed to: a user, a role, or everyone. */
  audience: { user_id: string } | { role: string } | 'everyone';
}
/**
 * `inbox.read`: the user read inbox items on one of their devices (to their own `user:{id}` only), so
 * that their other connections clear them and the badge at once: `ids` read, or `all` up to `up_to`.
 */
export interface InboxReadData {
  ids: number[] | 'all';
  /** With `all`: every item up to this id is read. */
  up_to: number | null;
  /** The user's unread items after this read. */
  unread_count: number;
  read_at: string;
}
/** `system.maintenance`: whatever its publisher says. */
export type SystemMaintenanceData = Record<string, unknown>;

// ---- analyses and recommendations ----------------------------------------------------------------------

/** `analysis.started`: which posting is being scored, for whom. */
export interface AnalysisStartedData {
  job_id: number;
  company: string;
  job_title: string;
  user_id: string;
}
export interface SkillGap {
  /** 0–100: the share of required skills the seeker has. */
  overall_match: number;
  matching_skills: string[];
  missing_skills: { skill: string; importance: 'high' | 'medium' | 'low' }[];
}
/** `analysis.completed`: the score of one posting for one job seeker. */
export interface AnalysisCompletedData extends AnalysisStartedData {
  /** 0–100, one decimal. */
  match_score: number;
  recommendation: 'apply_now' | 'consider' | 'skip';
  strengths: string[];
  concerns: string[];
  skill_gap: SkillGap;
}
/** `skill_gap.completed` / `skill_gap.updated`: the skill gap as counts and as lists. */
export interface SkillGapData {
  job_id: number;
  user_id: string;
  overall_match: number;
  matching_skills: number;
  missing_skills: number;
  matching_skills_list: string[];
  missing_skills_list: SkillGap['missing_skills'];
}
/** `recommendations.new` (the new ones) and `recommendations.updated` (the whole list). */
export interface RecommendationsData {
  user_id: string;
  count: number;
  top_recommendations: Recommendation[];
  generated_at: string;
}

// ---- background work and scrapes ---------------------------------------------------------------------

/** The canonical `work.*` event types; each goes to `queue`, `work:{id}` and its owner's `user:{id}`. */
export const WorkEvent = {
  created: 'work.created',
  started: 'work.started',
  progress: 'work.progress',
  completed: 'work.completed',
  failed: 'work.failed',
  cancelled: 'work.cancelled',
} as const;
export type WorkEventType = (typeof WorkEvent)[keyof typeof WorkEvent];

/** The canonical type of the derived queue statistics, published on `queue` (not committed). */
export const QUEUE_STATS_EVENT = 'queue.stats';

/** Which board a scrape reads, and the work it runs as. */
export interface ScrapeHead {
  source: string;
  source_id: number;
  kind: SourceKind;
  work_id: string;
}
/** `scrape.started`: a board scrape began. */
export interface ScrapeStartedData extends ScrapeHead {
  expected_duration_seconds: number;
}
/** `scrape.completed`: what a board scrape found. */
export type ScrapeCompletedData = ScrapeHead & ScrapeReport;

/** A matching event as `work:{id}` carries it: the event, and the id of the update it is kept as. */
export type MatchingEventData<T extends MatchingEventTypeValue = MatchingEventTypeValue> = Extract<
  MatchingEvent,
  { type: T }
> & { readonly update_id: number };

// ---- the catalogue ----------------------------------------------------------------------------------

/** Each canonical event type and the data it carries. */
export interface EventDataMap {
  'posting.created': PostingCreatedData;
  'posting.updated': PostingUpdatedData;
  'profile.updated': ProfileUpdatedData;
  'application.created': ApplicationCreatedData;
  'application.status_changed': ApplicationStatusChangedData;
  'interview.scheduled': InterviewData;
  'interview.updated': InterviewUpdatedData;
  'interview.cancelled': InterviewData;
  'interview.reminder': InterviewReminderData;
  'followup.created': FollowupData;
  'followup.due': FollowupDueData;
  'followup.sent': FollowupSentData;
  notification: NotificationData;
  'system.notification': NotificationData;
  'system.maintenance': SystemMaintenanceData;
  'inbox.read': InboxReadData;
  'analysis.started': AnalysisStartedData;
  'analysis.completed': AnalysisCompletedData;
  'skill_gap.completed': SkillGapData;
  'skill_gap.updated': SkillGapData;
  'recommendations.new': RecommendationsData;
  'recommendations.updated': RecommendationsData;
  'work.created': WorkJob;
  'work.started': WorkJob;
  'work.progress': WorkJob;
  'work.completed': WorkJob;
  'work.failed': WorkJob;
  'work.cancelled': WorkJob;
  'queue.stats': QueueStats;
  'scrape.started': ScrapeStartedData;
  'scrape.completed': ScrapeCompletedData;
  'matching.job.status': MatchingEventData<'matching.job.status'>;
  'matching.job.criteria': MatchingEventData<'matching.job.criteria'>;
  'matching.job.source_snippets': MatchingEventData<'matching.job.source_snippets'>;
  'matching.job.target.search': MatchingEventData<'matching.job.target.search'>;
  'matching.job.target.evaluation': MatchingEventData<'matching.job.target.evaluation'>;
  'matching.job.target.candidate': MatchingEventData<'matching.job.target.candidate'>;
  'matching.job.match.persisted': MatchingEventData<'matching.job.match.persisted'>;
}
/** A catalogued canonical event type. */
export type CatalogueType = keyof EventDataMap;

/** The data of an event of type `T`: the catalogue's for a catalogued type, anything for another. */
export type EventDataOf<T extends string> = T extends CatalogueType ? EventDataMap[T] : unknown;

/** A canonical event before the hub has given it a seq: a catalogued type comes with its data. */
export interface EventDraft<T extends string = string> {
  readonly topic: string;
  readonly type: T;
  readonly data: EventDataOf<T>;
}

// ---- the schemas ------------------------------------------------------------------------------------

const interview = z.object({
  interview_id: id,
  application_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  interview_type: z.string(),
  scheduled_date: iso,
  duration_minutes: id,
  calendar_event_id: z.string().nullable(),
  status: z.enum(['scheduled', 'cancelled', 'completed']),
});
const followup = z.object({
  followup_id: id,
  job_id: id,
  application_id: id.nullable(),
  company: z.string(),
  job_title: z.string(),
  followup_type: z.string(),
  scheduled_date: iso,
  status: z.enum(['pending', 'sent']),
});
const notification = z.object({
  notification_id: id,
  notification_type: z.string(),
  message: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  data: z.record(z.string(), z.unknown()),
  audience: z.union([
    z.object({ user_id: z.string() }),
    z.object({ role: z.string() }),
    z.literal('everyone'),
  ]),
});
const analysisStarted = z.object({
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  user_id: z.string(),
});
const missingSkills = z.array(z.object({ skill: z.string(), importance: z.enum(['high', 'medium', 'low']) }));
const skillGap = z.object({
  job_id: id,
  user_id: z.string(),
  overall_match: z.number(),
  matching_skills: id,
  missing_skills: id,
  matching_skills_list: z.array(z.string()),
  missing_skills_list: missingSkills,
});
const recommendations = z.object({
  user_id: z.string(),
  count: id,
  top_recommendations: z.array(
    z.object({ job_id: id, company: z.string(), job_title: z.string(), score: z.number() }),
  ),
  generated_at: iso,
});
const scrapeHead = z.object({
  source: z.string(),
  source_id: id,
  kind: SourceKindSchema,
  work_id: z.string(),
});
const updateId = { update_id: id };

/** Each catalogued type's data as a zod schema (what the server's producers emit). */
export const eventSchemas: { readonly [T in CatalogueType]: z.ZodType<EventDataMap[T]> } = {
  'posting.created': z.object({ posting: PostingResource }),
  'posting.updated': z.object({ posting: PostingResource, changes: z.array(z.string()) }),
  'profile.updated': z.object({
    profile: z.object({
      user_id: z.string(),
      skills: z.array(z.string()),
      desired_titles: z.array(z.string()),
      locations: z.array(z.string()),
      remote_preference: RemotePreference,
      updated_at: iso.nullable(),
    }),
  }),
  'application.created': z.object({
    application_id: id,
    job_id: id,
    company: z.string(),
    job_title: z.string(),
    applicant_id: z.string(),
    applicant_name: z.string(),
    status: ApplicationStatusSchema,
    created_at: iso,
  }),
  'application.status_changed': z.object({
    application_id: id,
    job_id: id,
    company: z.string(),
    job_title: z.string(),
    applicant_id: z.string(),
    old_status: ApplicationStatusSchema,
    new_status: ApplicationStatusSchema,
    timestamp: iso,
  }),
  'interview.scheduled': interview,
  'interview.updated': interview.extend({ changes: z.array(z.string()) }),
  'interview.cancelled': interview,
  'interview.reminder': interview.extend({ reminder: z.enum(['1d', '1h', '15m']), time_until: z.string() }),
  'followup.created': followup,
  'followup.due': followup.extend({ hours_until_due: z.number() }),
  'followup.sent': followup.extend({ sent_at: iso }),
  notification,
  'system.notification': notification,
  'system.maintenance': z.record(z.string(), z.unknown()),
  'inbox.read': z.object({
    ids: z.union([z.array(id), z.literal('all')]),
    up_to: id.nullable(),
    unread_count: id,
    read_at: iso,
  }),
  'analysis.started': analysisStarted,
  'analysis.completed': analysisStarted.extend({
    match_score: z.number(),
    recommendation: z.enum(['apply_now', 'consider', 'skip']),
    strengths: z.array(z.string()),
    concerns: z.array(z.string()),
    skill_gap: z.object({
      overall_match: z.number(),
      matching_skills: z.array(z.string()),
      missing_skills: missingSkills,
    }),
  }),
  'skill_gap.completed': skillGap,
  'skill_gap.updated': skillGap,
  'recommendations.new': recommendations,
  'recommendations.updated': recommendations,
  'work.created': WorkJobResource,
  'work.started': WorkJobResource,
  'work.progress': WorkJobResource,
  'work.completed': WorkJobResource,
  'work.failed': WorkJobResource,
  'work.cancelled': WorkJobResource,
  'queue.stats': QueueStatsResource,
  'scrape.started': scrapeHead.extend({ expected_duration_seconds: z.number() }),
  'scrape.completed': scrapeHead.extend({
    jobs_found: id,
    new_jobs: id,
    updated_jobs: id,
    duration_seconds: z.number(),
    errors: id,
    error_messages: z.array(z.string()),
  }),
  'matching.job.status': MatchingStatusEventSchema.extend(updateId),
  'matching.job.criteria': MatchingCriteriaEventSchema.extend(updateId),
  'matching.job.source_snippets': MatchingSourceSnippetsEventSchema.extend(updateId),
  'matching.job.target.search': MatchingTargetSearchEventSchema.extend(updateId),
  'matching.job.target.evaluation': MatchingTargetEvaluationEventSchema.extend(updateId),
  'matching.job.target.candidate': MatchingTargetCandidateEventSchema.extend(updateId),
  'matching.job.match.persisted': MatchingMatchPersistedEventSchema.extend(updateId),
};

/** Every catalogued type, in the catalogue's order. */
export const catalogueTypes: readonly string[] = Object.keys(eventSchemas);

/** Whether `type` is in the catalogue. */
export const isCatalogued = (type: string): type is CatalogueType => Object.hasOwn(eventSchemas, type);

// ---- reading events as published ----------------------------------------------------------------------

/**
 * A map from catalogued types to what a dialect makes of each (a renderer). {@link renderCatalogued}
 * hands each renderer its type's data, read as {@link Published}.
 */
export type CatalogueRenderers<R> = {
  readonly [T in CatalogueType]?: (data: Published<EventDataMap[T]>, event: CanonicalEvent) => R;
};

/**
 * Looks the event's type up in `renderers` and calls its renderer with the event's data; null for a
 * type not there or data that is not an object.
 */
export function renderCatalogued<R>(renderers: CatalogueRenderers<R>, event: CanonicalEvent): R | null {
  const { type, data } = event;
  if (!isCatalogued(type) || typeof data !== 'object' || data === null) return null;
  return renderWith(renderers, type, data, event);
}

function renderWith<T extends CatalogueType, R>(
  renderers: CatalogueRenderers<R>,
  type: T,
  data: object,
  event: CanonicalEvent,
): R | null {
  const render = renderers[type];
  return render ? render(data, event) : null;
}

/**
 * The event's data read as {@link Published} data of one of `types` (an encoder that renders those
 * types only), or null for another type or data that is not an object.
 */
export function publishedData<T extends CatalogueType>(
  types: readonly T[],
  event: CanonicalEvent,
): Published<EventDataMap[T]> | null {
  const { data } = event;
  if (typeof data !== 'object' || data === null || !isOneOf(types, event.type)) return null;
  return data;
}

const isOneOf = <T extends string>(types: readonly T[], type: string): type is T =>
  types.some((t) => t === type);
