import { z } from 'zod';

/** REST bodies and resources, shared by the server (validation, OpenAPI), the SDK and the dashboard. */

const text = (max: number) => z.string().trim().min(1).max(max);
const skills = z.array(text(100)).max(100);
const isoDate = z.iso.datetime({ offset: true });

export const Role = z.enum(['job_seeker', 'recruiter', 'admin']);
export type Role = z.infer<typeof Role>;

const salary = z.number().min(0).max(1e9).nullable();
const salaryRange = (v: { salary_min?: number | null; salary_max?: number | null }) =>
  v.salary_min == null || v.salary_max == null || v.salary_min <= v.salary_max;
const salaryRangeIssue = { message: 'salary_min is above salary_max', path: ['salary_min'] };

/**
 * `POST /api/v1/jobs`. Fields it does not know are ignored (and named in the answer's `warnings`), as
 * the original API's clients send more than its documents show; a known field of the wrong type or
 * value is refused.
 */
export const PostingInput = z
  .object({
    company: text(200),
    job_title: text(200),
    job_description: z.string().max(50_000).default(''),
    job_url: z.url().max(2000).nullable().optional(),
    location: z.string().trim().max(200).nullable().optional(),
    source: text(100).default('manual'),
    skills_required: skills.default([]),
    is_active: z.boolean().default(true),
    salary_min: salary.optional(),
    salary_max: salary.optional(),
    notes: z.string().max(5000).nullable().optional(),
  })
  .refine(salaryRange, salaryRangeIssue);
export type PostingInput = z.infer<typeof PostingInput>;

export const PostingPatch = z
  .strictObject({
    company: text(200),
    job_title: text(200),
    job_description: z.string().max(50_000),
    job_url: z.url().max(2000).nullable(),
    location: z.string().trim().max(200).nullable(),
    source: text(100),
    skills_required: skills,
    is_active: z.boolean(),
    salary_min: salary,
    salary_max: salary,
    notes: z.string().max(5000).nullable(),
  })
  .partial()
  .refine(salaryRange, salaryRangeIssue)
  .refine((v) => Object.keys(v).length > 0, 'name at least one field to change');
export type PostingPatch = z.infer<typeof PostingPatch>;

export const PostingQuery = z.object({
  q: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  location: z.string().max(200).optional(),
  source: z.string().max(100).optional(),
  skill: z.string().max(100).optional(),
  is_active: z.enum(['true', 'false']).optional(),
  posted_by: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export interface Posting {
  id: number;
  company: string;
  job_title: string;
  job_description: string;
  job_url: string | null;
  location: string | null;
  source: string;
  /** Every board it was found on, first `source`: one job on two boards is one posting. */
  sources: string[];
  skills_required: string[];
  is_active: boolean;
  salary_min: number | null;
  salary_max: number | null;
  notes: string | null;
  posted_by: string | null;
  created_at: string;
  updated_at: string;
}

export const RemotePreference = z.enum(['remote', 'hybrid', 'onsite', 'any']);
export const ProfileInput = z.strictObject({
  skills: skills.default([]),
  desired_titles: z.array(text(200)).max(50).default([]),
  locations: z.array(text(200)).max(50).default([]),
  remote_preference: RemotePreference.default('any'),
});
export type ProfileInput = z.infer<typeof ProfileInput>;

export const ApplicationStatus = z.enum([
  'pending',
  'reviewing',
  'interviewing',
  'offer_received',
  'accepted',
  'rejected',
  'withdrawn',
]);
export type ApplicationStatus = z.infer<typeof ApplicationStatus>;

export const ApplicationInput = z.strictObject({
  posting_id: z.number().int().positive(),
  cover_letter: z.string().max(20_000).nullable().optional(),
});
export const ApplicationStatusInput = z.strictObject({ status: ApplicationStatus });

export const InterviewInput = z.strictObject({
  application_id: z.number().int().positive(),
  interview_type: text(50).default('general'),
  scheduled_date: isoDate,
  duration_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  calendar_event_id: z.string().max(200).nullable().optional(),
  notes: z.string().max(5000).nullable().optional(),
});
export const InterviewPatch = z
  .strictObject({
    interview_type: text(50),
    scheduled_date: isoDate,
    duration_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    calendar_event_id: z.string().max(200).nullable(),
    notes: z.string().max(5000).nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'name at least one field to change');

export const FollowupInput = z
  .strictObject({
    posting_id: z.number().int().positive().optional(),
    application_id: z.number().int().positive().optional(),
    followup_type: text(50).default('post_application'),
    scheduled_date: isoDate,
    notes: z.string().max(5000).nullable().optional(),
  })
  .refine((v) => v.posting_id !== undefined || v.application_id !== undefined, {
    message: 'give posting_id or application_id',
    path: ['posting_id'],
  });

export const NotificationPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export const NotificationInput = z
  .strictObject({
    user_id: z.uuid().optional(),
    role: Role.optional(),
    notification_type: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'a lowercase name')
      .default('general'),
    message: text(2000),
    priority: NotificationPriority.default('normal'),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((v) => !(v.user_id && v.role), { message: 'give user_id or role, not both', path: ['role'] });

export const IdParam = z.object({ id: z.coerce.number().int().positive() });
export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Kinds of background work. */
export const WorkKind = z.enum(['analysis', 'matching', 'scrape', 'recommendations']);
export type WorkKind = z.infer<typeof WorkKind>;
/** queued → running → complete | failed | cancelled; failed and cancelled jobs may be retried. */
export const WorkStatus = z.enum(['queued', 'running', 'complete', 'failed', 'cancelled']);
export type WorkStatus = z.infer<typeof WorkStatus>;

/** A unit of background work as REST answers it and as every `work.*` event carries it. */
export interface WorkJob {
  id: string;
  kind: WorkKind;
  status: WorkStatus;
  phase: string | null;
  progress: number;
  error_message: string | null;
  retries: number;
  max_retries: number;
  owner: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: unknown;
  /**
   * Set on the shared `queue` topic for a user's job: it is shown there without its owner, result and
   * error message (the whole job is on `work:{id}` and the owner's `user:{id}`).
   */
  redacted?: true;
}

/** `GET /api/v1/queue/jobs`. */
export const WorkQuery = z.object({
  kind: WorkKind.optional(),
  status: WorkStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const WorkIdParam = z.object({ id: z.uuid() });

/** `GET /api/v1/queue/stats`, and the data of `queue.stats` events (job-queue.md's names). */
export interface QueueStats {
  pending: number;
  in_progress: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Jobstream never pauses the queue; kept because job-queue.md's statistics name it. */
  paused: number;
  total: number;
  /** Jobs completed in the last minute. */
  throughput_per_min: number;
  /** Mean run time of completed jobs (started → finished), ms; 0 when none. */
  mean_duration_ms: number;
}

const MatchingText = z.strictObject({ name: text(200), text: z.string().min(1).max(200_000) });
const PostingRef = z.strictObject({ posting_id: z.number().int().positive() });
/** `POST /api/v1/matching-jobs`: a source (text or posting), targets (texts or postings), criteria. */
export const MatchingJobInput = z.strictObject({
  source: z.union([MatchingText, PostingRef]),
  targets: z
    .array(z.union([MatchingText.extend({ id: z.string().min(1).max(100).optional() }), PostingRef]))
    .min(1)
    .max(1000),
  criteria: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(100),
        label: text(200),
        guidance: z.string().max(2000).nullable().optional(),
        weight: z.number().min(0).max(100).optional(),
        source_snippet_limit: z.number().int().min(1).max(50).optional(),
        target_snippet_limit: z.number().int().min(1).max(50).optional(),
      }),
    )
    .min(1)
    .max(50),
});
export type MatchingJobInput = z.infer<typeof MatchingJobInput>;
export const UuidParam = z.object({ id: z.uuid() });
export const UpdatesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The feed formats a scrape source may have. */
export const SourceKind = z.enum([
  'greenhouse',
  'lever',
  'json',
  'rss',
  'ashby',
  'workable',
  'smartrecruiters',
  'recruitee',
  'remoteok',
  'weworkremotely',
  'hn',
]);
export type SourceKind = z.infer<typeof SourceKind>;

/** `POST /api/v1/sources`: a feed to scrape, on its interval (seconds; none: on demand only). */
export const SourceInput = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'a lowercase name of letters, digits, _ . -'),
  kind: SourceKind,
  url: z.url().max(2000),
  company: text(200),
  interval_seconds: z.number().int().min(1).max(604_800).nullable().default(null),
  enabled: z.boolean().default(true),
});
export type SourceInput = z.infer<typeof SourceInput>;

/** `PATCH /api/v1/sources/{id}`: anything but the name, which its postings carry. */
export const SourcePatch = z
  .strictObject({
    kind: SourceKind,
    url: z.url().max(2000),
    company: text(200),
    interval_seconds: z.number().int().min(1).max(604_800).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'name at least one field to change');
export type SourcePatch = z.infer<typeof SourcePatch>;

export interface Source {
  id: number;
  name: string;
  kind: SourceKind;
  url: string;
  company: string;
  interval_seconds: number | null;
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  /** How the last scrape went: ok, or error with `last_error`. */
  last_status: 'ok' | 'error' | null;
  last_error: string | null;
  last_duration_seconds: number | null;
  /** The work job of the last scrape queued. */
  last_work_id: string | null;
  created_at: string;
  updated_at: string;
}

/** `POST /api/v1/scrapes`: scrape these sources now (by id or name); none named: every enabled one. */
export const ScrapeRequest = z.strictObject({
  source_id: z.number().int().positive().optional(),
  source: z.string().max(100).optional(),
});
export type ScrapeRequest = z.infer<typeof ScrapeRequest>;

/** What a scrape reports (`scrape.completed`, and the scrape job's result). */
export interface ScrapeReport {
  source: string;
  source_id: number;
  jobs_found: number;
  new_jobs: number;
  updated_jobs: number;
  duration_seconds: number;
  /** How many things went wrong (job-feed.md counts them); `error_messages` says what. */
  errors: number;
  error_messages: string[];
}

/** A job seeker's recommendation: a posting and how well it fits the profile. */
export interface Recommendation {
  job_id: number;
  company: string;
  job_title: string;
  score: number;
}
