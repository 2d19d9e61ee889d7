import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role, SourceKind } from '@jobstream/protocol';

/**
 * The tables, as Kysely sees them. Portable between SQLite and PostgreSQL: timestamps are ISO 8601
 * UTC strings (`2026-11-22T10:00:00.000Z`), booleans are 0/1 integers, lists and objects are JSON text.
 * Users are UUIDs; postings, applications, interviews, follow-ups and notifications have integer ids,
 * as the documented APIs show them (`"job_id": 42`).
 */
export interface Database {
  users: UsersTable;
  postings: PostingsTable;
  profiles: ProfilesTable;
  applications: ApplicationsTable;
  interviews: InterviewsTable;
  followups: FollowupsTable;
  notifications: NotificationsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  matching_matches: MatchingMatchesTable;
  matching_updates: MatchingUpdatesTable;
  work_jobs: WorkJobsTable;
  scrape_sources: ScrapeSourcesTable;
  posting_sources: PostingSourcesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  ats_entities: AtsEntitiesTable;
  recommendations: RecommendationsTable;
}

export interface UsersTable {
  id: string;
  /** Lowercased; unique. */
  email: string;
  name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  password_hash: string;
  created_at: string;
}

export interface PostingsTable {
  id: Generated<number>;
  company: string;
  job_title: string;
  job_description: string;
  job_url: string | null;
  location: string | null;
  source: string;
  /** The source's own id, for upserts by scrapes; unique with `source` when set. */
  source_id: string | null;
  /** JSON array of strings. */
  skills_required: string;
  is_active: ColumnType<number, number | undefined, number>;
  salary_min: ColumnType<number | null, number | null | undefined, number | null>;
  salary_max: ColumnType<number | null, number | null | undefined, number | null>;
  notes: ColumnType<string | null, string | null | undefined, string | null>;
  /** Successful scrapes in a row that did not find it on its board; the second deactivates it. */
  missed_scrapes: ColumnType<number, number | undefined, number>;
  /** Company, title and location normalised (work/scrape/dedupe.ts), for scraped postings. */
  dedupe_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of the sources it is on, first the one in `source`; null: just `source`. */
  sources: ColumnType<string | null, string | null | undefined, string | null>;
  /** The recruiter (or admin) who posted it; null for anonymous or scraped postings. */
  posted_by: string | null;
  created_at: string;
  updated_at: string;
}

export type RemotePreference = 'remote' | 'hybrid' | 'onsite' | 'any';

export interface ProfilesTable {
  user_id: string;
  /** JSON arrays of strings. */
  skills: string;
  desired_titles: string;
  locations: string;
  remote_preference: RemotePreference;
  updated_at: string;
}

export type ApplicationStatus =
  'pending' | 'reviewing' | 'interviewing' | 'offer_received' | 'accepted' | 'rejected' | 'withdrawn';

export interface ApplicationsTable {
  id: Generated<number>;
  posting_id: number;
  /** The applicant. Unique with `posting_id`. */
  user_id: string;
  status: ApplicationStatus;
  cover_letter: string | null;
  created_at: string;
  updated_at: string;
}

export interface InterviewsTable {
  id: Generated<number>;
  application_id: number;
  /** The applicant, denormalised for topic routing. */
  user_id: string;
  posting_id: number;
  interview_type: string;
  scheduled_date: string;
  duration_minutes: number;
  status: 'scheduled' | 'cancelled' | 'completed';
  calendar_event_id: string | null;
  notes: string | null;
  /** JSON array of the reminders already sent (`"1d"`, `"1h"`, `"15m"`), so each goes once. */
  reminders_sent: ColumnType<string, string | undefined, string>;
  created_at: string;
  updated_at: string;
}

export interface FollowupsTable {
  id: Generated<number>;
  user_id: string;
  posting_id: number;
  application_id: number | null;
  followup_type: string;
  scheduled_date: string;
  status: 'pending' | 'sent';
  notes: string | null;
  /** When `followup.due` was emitted; null until then, so it goes once. */
  due_notified_at: string | null;
  sent_at: string | null;
  created_at: string;
}

export interface NotificationsTable {
  id: Generated<number>;
  /** Exactly one of user_id, role is set, or neither (everyone). */
  user_id: string | null;
  role: Role | null;
  notification_type: string;
  message: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  /** JSON object. */
  data: string;
  created_by: string | null;
  created_at: string;
}

/** Canonical events committed with the state change that implies them; the relay publishes them. */
export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  type: string;
  /** JSON. */
  data: string;
  created_at: string;
  /** null until the relay has published it. */
  published_at: string | null;
}

/** Answers of writes made with an `Idempotency-Key`, replayed for a retry within a day. */
export interface IdempotencyKeysTable {
  /** Who made the request (a user id) and the key they sent. */
  scope: string;
  key: string;
  /** `POST /api/v1/jobs` */
  request: string;
  /** SHA-256 (hex) of the method, path and body; '' on rows older than the column. */
  fingerprint: ColumnType<string, string | undefined, string>;
  status_code: number;
  /** JSON. */
  response_body: string;
  created_at: string;
}

export type WorkKind = 'analysis' | 'matching' | 'scrape' | 'recommendations';
export type WorkStatus = 'queued' | 'running' | 'complete' | 'failed' | 'cancelled';

/** Background work (`work/`): one row per job, whatever its kind. */
export interface WorkJobsTable {
  /** A UUID. */
  id: string;
  kind: WorkKind;
  status: WorkStatus;
  /** The pipeline's current phase (its own words); null before it starts. */
  phase: string | null;
  /** 0–100. */
  progress: number;
  /** JSON: the pipeline's input. */
  payload: string;
  /** JSON: what the pipeline returned; null until complete. */
  result: string | null;
  /** At most 1000 characters. */
  error_message: string | null;
  /** Attempts that failed (or were interrupted) and were queued again. */
  retries: number;
  max_retries: ColumnType<number, number | undefined, number>;
  /** The user who asked for it; null for anonymous work, which anyone may watch. */
  owner: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Not claimed before this time (ISO): the retry backoff. */
  run_after: string;
}

export type User = Selectable<UsersTable>;
export type Posting = Selectable<PostingsTable>;
export type NewPosting = Insertable<PostingsTable>;
export type PostingUpdate = Updateable<PostingsTable>;
export type Profile = Selectable<ProfilesTable>;
export type Application = Selectable<ApplicationsTable>;
export type Interview = Selectable<InterviewsTable>;
export type Followup = Selectable<FollowupsTable>;
export type Notification = Selectable<NotificationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type WorkJobRow = Selectable<WorkJobsTable>;

/** The ranked matches of a matching run. */
export interface MatchingMatchesTable {
  id: string;
  work_id: string;
  target_id: string;
  target_name: string;
  rank: number;
  score: number;
  search_hit_ratio: number;
  summary_reason: string;
  created_at: string;
}

/** Every event a matching run sent, in order. */
export interface MatchingUpdatesTable {
  id: Generated<number>;
  work_id: string;
  event_type: string;
  /** JSON: the event as sent. */
  payload: string;
  created_at: string;
}

/** An ATS webhook delivery's id, once: a retry of it changes nothing. */
export interface WebhookDeliveriesTable {
  vendor: string;
  event_id: string;
  received_at: string;
}

/** An ATS's job (`job:{id}`), application or interview, the Jobstream row it is, its last change's time. */
export interface AtsEntitiesTable {
  vendor: string;
  entity: string;
  local_id: number;
  last_at: string;
}

/** A posting's listing on a further board (its first board's is the posting's `source_id`). */
export interface PostingSourcesTable {
  source: string;
  source_id: string;
  posting_id: number;
  missed_scrapes: ColumnType<number, number | undefined, number>;
}

/** A feed that scrapes read postings from, on its interval and on demand. */
export interface ScrapeSourcesTable {
  id: Generated<number>;
  /** Unique; the `source` of the postings it yields (with their own ids as `source_id`). */
  name: string;
  kind: SourceKind;
  url: string;
  /** The company of its postings where the feed does not name one. */
  company: string;
  /** null: scraped only on demand. */
  interval_seconds: number | null;
  enabled: ColumnType<number, number | undefined, number>;
  /** When the scheduler next queues a scrape (ISO); null when it has no interval. */
  next_run_at: string | null;
  last_run_at: string | null;
  last_status: 'ok' | 'error' | null;
  last_error: string | null;
  last_duration_seconds: number | null;
  last_work_id: string | null;
  created_at: string;
  updated_at: string;
  /** 1: made by `serve --demo`, scraped and listed only while the demo runs. */
  demo: ColumnType<number, number | undefined, number>;
  /** The board's last ETag and Last-Modified, sent back on the next poll; null: none yet. */
  etag: ColumnType<string | null, string | null | undefined, string | null>;
  last_modified: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A job seeker's current recommendations: the best active postings for their profile. */
export interface RecommendationsTable {
  user_id: string;
  posting_id: number;
  /** 0–100. */
  score: number;
  /** 1 is the best. */
  rank: number;
  generated_at: string;
}

export type ScrapeSourceRow = Selectable<ScrapeSourcesTable>;
export type RecommendationRow = Selectable<RecommendationsTable>;
