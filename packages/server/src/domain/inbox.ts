import {
  EventTypes,
  recordOf,
  type ApplicationCreatedData,
  type ApplicationStatusChangedData,
  type EventDraft,
  type FollowupDueData,
  type InterviewData,
  type InterviewReminderData,
  type NotificationData,
  type Published,
  type RecommendationsData,
} from '@jobstream/protocol';

/** Whom an inbox item is for: one user, everyone of a role, or everyone. One row each, whoever reads it. */
export type InboxAudience = `user:${string}` | `role:${string}` | 'everyone';

/** An inbox item as an event makes it, before the store gives it an id and a time. */
export interface InboxItemDraft {
  readonly audience: InboxAudience;
  /** The canonical event type it came from. */
  readonly kind: string;
  /** One line a person reads in a list. */
  readonly summary: string;
  /** The event's data, as the event carried it. */
  readonly data: unknown;
}

/** The event types that may become inbox items (each only when {@link inboxItemFor} says so). */
export const INBOX_KINDS = [
  EventTypes.applicationCreated,
  EventTypes.applicationStatusChanged,
  EventTypes.interviewScheduled,
  EventTypes.interviewCancelled,
  EventTypes.interviewReminder,
  EventTypes.followupDue,
  'analysis.completed',
  'recommendations.new',
  EventTypes.notification,
  EventTypes.systemNotification,
] as const;

/**
 * The urgent kinds: worth interrupting a user who is not connected (Web Push). An application's
 * status change is urgent only when it is an offer, for the applicant ({@link isUrgentInboxItem}).
 */
export const URGENT_INBOX_KINDS = [
  EventTypes.interviewReminder,
  EventTypes.followupDue,
  EventTypes.applicationStatusChanged,
] as const;

/** A match score (0–100) from which an analysis is worth keeping: notifications.md's "Excellent match". */
export const INBOX_MATCH_SCORE = 80;

const USER_TOPIC = /^user:(.+)$/;
const ROLE_TOPIC = /^role:(.+)$/;
const str = (value: unknown, fallback = ''): string =>
  typeof value === 'string' && value !== '' ? value.slice(0, 200) : fallback;

/** `2026-12-03 14:00 UTC`: a date a person reads, whatever their device's zone. */
function when(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms)
    ? 'a date to be set'
    : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The item an event becomes in its addressee's inbox, or undefined when it is not one to keep. */
export function inboxItemFor(event: EventDraft): InboxItemDraft | undefined {
  const user = USER_TOPIC.exec(event.topic)?.[1];
  const role = ROLE_TOPIC.exec(event.topic)?.[1];
  const data = recordOf(event.data);
  const item = (audience: InboxAudience, summary: string): InboxItemDraft => ({
    audience,
    kind: event.type,
    summary,
    data: event.data,
  });
  if (event.type === EventTypes.systemNotification && event.topic === 'system') {
    return item('everyone', str((data as Published<NotificationData>).message, 'Notification'));
  }
  if (event.type === EventTypes.notification && role !== undefined) {
    return item(`role:${role}`, str((data as Published<NotificationData>).message, 'Notification'));
  }
  if (user === undefined) return undefined;
  const own = `user:${user}` as const;
  const summary = userSummary(event.type, data, user);
  return summary === undefined ? undefined : item(own, summary);
}

function userSummary(
  type: string,
  data: Readonly<Record<string, unknown>>,
  user: string,
): string | undefined {
  const title = str(data.job_title, 'a job');
  const company = str(data.company, 'a company');
  switch (type) {
    case EventTypes.applicationCreated: {
      const d = data as Published<ApplicationCreatedData>;
      // The applicant made it; the recruiter hears of it.
      if (d.applicant_id === user) return undefined;
      return `New application from ${str(d.applicant_name, 'an applicant')} for ${title}`;
    }
    case EventTypes.applicationStatusChanged: {
      const d = data as Published<ApplicationStatusChangedData>;
      const to = str(d.new_status, 'a new status');
      return d.applicant_id === user
        ? `Your application for ${title} at ${company} is now ${to}`
        : `An application for ${title} moved from ${str(d.old_status, '?')} to ${to}`;
    }
    case EventTypes.interviewScheduled: {
      const d = data as Published<InterviewData>;
      return `Interview scheduled: ${str(d.interview_type, 'interview')} with ${company} on ${when(d.scheduled_date)}`;
    }
    case EventTypes.interviewCancelled:
      return `Interview cancelled: ${title} at ${company}`;
    case EventTypes.interviewReminder: {
      const d = data as Published<InterviewReminderData>;
      return `Interview in ${str(d.time_until, 'a while')}: ${str(d.interview_type, 'interview')} with ${company}`;
    }
    case EventTypes.followupDue: {
      const d = data as Published<FollowupDueData>;
      return `Follow-up due: ${str(d.followup_type, 'follow-up')} with ${company} (${title})`;
    }
    case 'analysis.completed': {
      const score = data.match_score;
      if (typeof score !== 'number' || !(score >= INBOX_MATCH_SCORE)) return undefined;
      return `Excellent match! ${score.toFixed(1)}% compatibility with ${title} at ${company}`;
    }
    case 'recommendations.new': {
      const count = (data as Published<RecommendationsData>).count;
      const n = typeof count === 'number' ? count : 0;
      return n === 1 ? '1 new recommended job' : `${n} new recommended jobs`;
    }
    case EventTypes.notification:
      return str((data as Published<NotificationData>).message, 'Notification');
    default:
      return undefined;
  }
}

/** Whether an item is of an urgent kind for its reader: a reminder, a follow-up due, an offer to the applicant. */
export function isUrgentInboxItem(item: { audience: string; kind: string; data: unknown }): boolean {
  if (item.kind === EventTypes.interviewReminder || item.kind === EventTypes.followupDue) return true;
  if (item.kind !== EventTypes.applicationStatusChanged) return false;
  const d = recordOf(item.data) as Published<ApplicationStatusChangedData>;
  return d.new_status === 'offer_received' && item.audience === `user:${str(d.applicant_id)}`;
}
