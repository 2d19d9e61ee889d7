import { z } from 'zod';
import type { Posting, QueueStats, Source, WorkJob } from './rest.js';
import { ApplicationStatus, SourceKind, WorkKind, WorkStatus } from './rest.js';

/**
 * What the REST API answers, as zod schemas: the OpenAPI document's response schemas are made from
 * them. Each `satisfies` the TypeScript shape the server returns, so that a field added there and
 * forgotten here fails to compile.
 */

const iso = z.string().describe('ISO 8601');

/** Every HTTP error: `{error: {code, message, fields?}}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('one of the error codes (docs/PROTOCOL.md)'),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const PostingResource = z.object({
  id: z.number().int(),
  company: z.string(),
  job_title: z.string(),
  job_description: z.string(),
  job_url: z.string().nullable(),
  location: z.string().nullable(),
  source: z.string(),
  sources: z.array(z.string()).describe('every board it was found on, first `source`'),
  skills_required: z.array(z.string()),
  is_active: z.boolean(),
  salary_min: z.number().nullable(),
  salary_max: z.number().nullable(),
  notes: z.string().nullable(),
  posted_by: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
}) satisfies z.ZodType<Posting>;

/** `POST /api/v1/jobs`: the posting, and the fields it ignored when there were any. */
export const PostingCreated = PostingResource.extend({ warnings: z.array(z.string()).optional() });
export const PostingPage = z.object({ items: z.array(PostingResource), total: z.number().int() });

export const ApplicationResource = z.object({
  id: z.number().int(),
  posting_id: z.number().int(),
  user_id: z.string(),
  status: ApplicationStatus,
  cover_letter: z.string().nullable(),
  company: z.string(),
  job_title: z.string(),
  created_at: iso,
  updated_at: iso,
});

export const WorkJobResource = z.object({
  id: z.uuid(),
  kind: WorkKind,
  status: WorkStatus,
  phase: z.string().nullable(),
  progress: z.number().describe('0–100'),
  error_message: z.string().nullable(),
  retries: z.number().int(),
  max_retries: z.number().int(),
  owner: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
  started_at: iso.nullable(),
  finished_at: iso.nullable(),
  result: z.unknown(),
  redacted: z.literal(true).optional(),
}) satisfies z.ZodType<WorkJob>;
export const WorkJobPage = z.object({ items: z.array(WorkJobResource), total: z.number().int() });

export const QueueStatsResource = z.object({
  pending: z.number().int(),
  in_progress: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  paused: z.number().int(),
  total: z.number().int(),
  throughput_per_min: z.number(),
  mean_duration_ms: z.number(),
}) satisfies z.ZodType<QueueStats>;

export const SourceResource = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: SourceKind,
  url: z.string(),
  company: z.string(),
  interval_seconds: z.number().int().nullable(),
  enabled: z.boolean(),
  next_run_at: iso.nullable(),
  last_run_at: iso.nullable(),
  last_status: z.enum(['ok', 'error']).nullable(),
  last_error: z.string().nullable(),
  last_duration_seconds: z.number().nullable(),
  last_work_id: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
}) satisfies z.ZodType<Source>;
export const SourceList = z.object({ items: z.array(SourceResource) });
