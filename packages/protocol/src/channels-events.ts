import { z } from 'zod';

/**
 * The events of the channels API (spec/channels.md, "Event Types"), as zod schemas: the documented
 * fields with their documented names, plus the few this server adds (`application_id`, `status`, …).
 */

const timestamp = z.iso.datetime();
const id = z.number().int();
const text = z.string().nullable();
const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data, timestamp, event_id: z.string() });

export const JobCreatedData = z.object({
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  location: text,
  source: z.string(),
});
export const JobAnalyzingData = z.object({ job_id: id.nullable(), company: text, job_title: text });
export const JobAnalyzedData = z.object({
  job_id: id.nullable(),
  match_score: z.number().nullable(),
  recommendation: text,
  strengths: z.array(z.string()),
  concerns: z.array(z.string()),
});
export const ApplicationStatusChangedData = z.object({
  application_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  old_status: z.string(),
  new_status: z.string(),
  timestamp,
});
/** Sent for a new application (to the applicant and to the posting's recruiter). */
export const ApplicationUpdatedData = z.object({
  application_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  status: z.string(),
  applicant_name: z.string(),
  timestamp,
});
export const RecommendationsData = z.object({
  count: z.number().int(),
  top_recommendations: z.array(
    z.object({ job_id: id, company: z.string(), job_title: z.string(), score: z.number() }),
  ),
  generated_at: timestamp,
});
export const SkillGapData = z.object({
  job_id: id.nullable(),
  overall_match: z.number().nullable(),
  matching_skills: z.number().int(),
  missing_skills: z.number().int(),
  missing_skills_list: z.array(z.object({ skill: z.string(), importance: z.string() })),
});
export const FollowupDueData = z.object({
  followup_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  followup_type: z.string(),
  scheduled_date: timestamp,
  hours_until_due: z.number().int(),
});
export const FollowupSentData = z.object({
  followup_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  followup_type: z.string(),
  scheduled_date: timestamp,
  sent_at: timestamp.nullable(),
});
export const InterviewScheduledData = z.object({
  interview_id: id,
  job_id: id,
  company: z.string(),
  job_title: z.string(),
  interview_type: z.string(),
  scheduled_date: timestamp,
  duration_minutes: z.number().int(),
  calendar_event_id: text,
});
/** A reschedule, an edit or a cancellation (`status` "cancelled"); `changes` names the fields. */
export const InterviewUpdatedData = InterviewScheduledData.extend({
  status: z.string(),
  changes: z.array(z.string()),
});
export const InterviewReminderData = z.object({
  interview_id: id,
  job_id: id,
  company: z.string(),
  interview_type: z.string(),
  scheduled_date: timestamp,
  time_until: z.string(),
});
export const SystemNotificationData = z.object({
  message: z.string(),
  severity: z.string(),
  action_required: z.boolean(),
  notification_type: z.string().nullable(),
  priority: z.string().nullable(),
});
/** The document shows no example: the canonical event's data, as published. */
export const SystemMaintenanceData = z.record(z.string(), z.unknown());

/** Every event the channels API streams, tagged by `type`. */
export const ChannelsEventMessage = z.discriminatedUnion('type', [
  event('job.created', JobCreatedData),
  event('job.analyzing', JobAnalyzingData),
  event('job.analyzed', JobAnalyzedData),
  event('application.status_changed', ApplicationStatusChangedData),
  event('application.updated', ApplicationUpdatedData),
  event('recommendations.new', RecommendationsData),
  event('recommendations.updated', RecommendationsData),
  event('skill_gap.completed', SkillGapData),
  event('skill_gap.updated', SkillGapData),
  event('followup.due', FollowupDueData),
  event('followup.sent', FollowupSentData),
  event('interview.scheduled', InterviewScheduledData),
  event('interview.updated', InterviewUpdatedData),
  event('interview.reminder', InterviewReminderData),
  event('system.notification', SystemNotificationData),
  event('system.maintenance', SystemMaintenanceData),
]);
export type ChannelsEventMessage = z.infer<typeof ChannelsEventMessage>;
