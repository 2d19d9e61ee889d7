import type { ApplicationStatus, Posting, Recommendation } from './rest.js';

/** The canonical event types: named by the thing, not by any one API's jargon. */
export const EventType = {
  postingCreated: 'posting.created',
  postingUpdated: 'posting.updated',
  profileUpdated: 'profile.updated',
  applicationCreated: 'application.created',
  applicationStatusChanged: 'application.status_changed',
  interviewScheduled: 'interview.scheduled',
  interviewUpdated: 'interview.updated',
  interviewCancelled: 'interview.cancelled',
  interviewReminder: 'interview.reminder',
  followupCreated: 'followup.created',
  followupDue: 'followup.due',
  followupSent: 'followup.sent',
  notification: 'notification',
  systemNotification: 'system.notification',
  systemMaintenance: 'system.maintenance',
} as const;
export type EventTypeName = (typeof EventType)[keyof typeof EventType];

/** Topic names. */
export const topics = {
  postings: 'postings',
  queue: 'queue',
  scrapes: 'scrapes',
  system: 'system',
  user: (id: string) => `user:${id}`,
  role: (role: string) => `role:${role}`,
  work: (id: string) => `work:${id}`,
} as const;

export interface PostingCreatedData {
  posting: Posting;
}
export interface PostingUpdatedData {
  posting: Posting;
  /** The fields whose value changed. */
  changes: string[];
}
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
/** `interview.reminder`: an interview is 1 day, 1 hour or 15 minutes away. */
export interface InterviewReminderData extends InterviewData {
  reminder: '1d' | '1h' | '15m';
  /** "1 day", "1 hour", "15 minutes": the time left, in channels.md's words. */
  time_until: string;
}
/** `recommendations.new` (the new ones) and `recommendations.updated` (the whole list). */
export interface RecommendationsData {
  user_id: string;
  count: number;
  top_recommendations: Recommendation[];
  generated_at: string;
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
export interface NotificationData {
  notification_id: number;
  notification_type: string;
  message: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  data: Record<string, unknown>;
  /** Who it was addressed to: a user, a role, or everyone. */
  audience: { user_id: string } | { role: string } | 'everyone';
}
