import { publishedData, recordOf } from '@jobstream/protocol';
import type { CanonicalEvent, CatalogueType, EventDataMap, Published } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';

/**
 * Canonical events rendered as spec/notifications.md's messages. Every encoder is a module constant,
 * so the hub renders each event once for all the connections of this endpoint.
 */

/** `2024-01-01T00:00:00.000+00:00`: the original's Python `isoformat()` style, never a `Z`. */
export function offsetTimestamp(iso?: string): string {
  const date = iso === undefined ? new Date() : new Date(iso);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().replace(/Z$/, '+00:00');
}

/** The document's phrases, plus Jobstream's own statuses mapped onto the nearest one. */
const statusPhrases: Readonly<Record<string, string>> = {
  pending: 'is under review',
  reviewed: 'has been reviewed',
  reviewing: 'has been reviewed',
  interview_scheduled: 'has an interview scheduled',
  interviewing: 'has an interview scheduled',
  accepted: 'has been accepted! Congratulations!',
  rejected: 'was not selected this time',
};

/** The sentence ending "Your application for {title} …". */
export function statusPhrase(status: string): string {
  return statusPhrases[status] ?? `status changed to ${status}`;
}

/** The document's three match messages, the score with one decimal. */
export function matchMessage(score: number, title: string): string {
  const pct = `${score.toFixed(1)}% compatibility with ${title}`;
  if (score >= 80) return `Excellent match! ${pct}`;
  if (score >= 60) return `Good match! ${pct}`;
  return `Match score calculated: ${pct}`;
}

/**
 * An encoder of the events of `types`, each read by the event catalogue's names. A malformed event (the
 * publish API accepts any `data`) renders as nothing instead of throwing inside the hub's fan-out.
 */
function safe<T extends CatalogueType>(
  types: readonly T[],
  render: (data: Published<EventDataMap[T]>, event: CanonicalEvent) => Record<string, unknown> | null,
): FrameEncoder {
  return (event) => {
    try {
      const data = publishedData(types, event);
      const message = data === null ? null : render(data, event);
      return message === null ? null : jsonFrame({ ...message, event_id: event.id });
    } catch {
      return null;
    }
  };
}

export const jobPostedFrame: FrameEncoder = safe(['posting.created'], (d, e) => {
  if (d.posting === undefined || d.posting === null) return null;
  const posting = recordOf(d.posting);
  // The original announced only active postings (Requirement 5.1: created with is_active=True).
  if (posting.is_active === false) return null;
  return {
    type: 'job_posted',
    message: `New job posted: ${String(posting.job_title)} at ${String(posting.company)}`,
    job_id: posting.id,
    job_title: posting.job_title,
    company: posting.company,
    location: posting.location ?? null,
    timestamp: offsetTimestamp(e.ts),
    data: { skills_required: posting.skills_required ?? [] },
  };
});

export const applicationReceivedFrame: FrameEncoder = safe(['application.created'], (d, e) => ({
  type: 'application_received',
  message: `New application received from ${String(d.applicant_name)} for ${String(d.job_title)}`,
  application_id: d.application_id,
  job_id: d.job_id,
  applicant_name: d.applicant_name,
  timestamp: offsetTimestamp(e.ts),
  data: { job_title: d.job_title, company: d.company ?? null, applicant_id: d.applicant_id ?? null },
}));

export const applicationStatusChangedFrame: FrameEncoder = safe(['application.status_changed'], (d, e) => ({
  type: 'application_status_changed',
  message: `Your application for ${String(d.job_title)} ${statusPhrase(String(d.new_status))}`,
  application_id: d.application_id,
  old_status: d.old_status,
  new_status: d.new_status,
  job_title: d.job_title,
  timestamp: offsetTimestamp(e.ts),
  job_id: d.job_id ?? null,
  company: d.company ?? null,
}));

export const matchScoreFrame: FrameEncoder = safe(['analysis.completed'], (d, e) => {
  // An analysis without a match score (a skill-gap run, say) is not a match notification.
  if (typeof d.match_score !== 'number' || !Number.isFinite(d.match_score)) return null;
  return {
    type: 'match_score_calculated',
    message: matchMessage(d.match_score, String(d.job_title)),
    job_id: d.job_id,
    job_title: d.job_title,
    match_score: d.match_score,
    timestamp: offsetTimestamp(e.ts),
    company: d.company ?? null,
  };
});

export const notificationFrame: FrameEncoder = safe(['notification', 'system.notification'], (d, e) => {
  if (typeof d.message !== 'string') return null;
  return {
    type: 'notification',
    message: d.message,
    notification_type: d.notification_type ?? 'general',
    priority: d.priority ?? 'normal',
    timestamp: offsetTimestamp(e.ts),
    data: d.data ?? {},
    notification_id: d.notification_id ?? null,
  };
});

/**
 * Jobstream's own message (not in the document, whose clients ignore types they do not know): the user
 * read inbox items on another device, with their unread count now.
 */
export const inboxReadFrame: FrameEncoder = safe(['inbox.read'], (d, e) => ({
  type: 'inbox_read',
  ids: d.ids ?? [],
  unread_count: typeof d.unread_count === 'number' ? d.unread_count : null,
  timestamp: offsetTimestamp(e.ts),
}));
