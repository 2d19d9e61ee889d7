import { EventTypes } from '@jobstream/protocol';
import type { CommittedEvent } from '../work/reactions.js';

/** What a push says: small, so that it fits any push service's payload limit after encryption. */
export interface PushPayload {
  readonly title: string;
  readonly body: string;
  /** The dashboard page to open on a click. */
  readonly url: string;
  /** The canonical event type. */
  readonly kind: string;
  /** The event's id (its outbox key): the service worker's tag, so that one event shows once. */
  readonly id: string;
}

/** The urgent kinds of inbox items: the ones worth a push to a user who is not connected. */
export const URGENT_KINDS = [
  EventTypes.interviewReminder,
  EventTypes.followupDue,
  EventTypes.applicationStatusChanged,
] as const;

const USER_TOPIC = /^user:(.+)$/;
const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value.slice(0, 120) : fallback;

/**
 * The push an event calls for, and whose it is, or undefined: interview reminders, follow-ups coming
 * due, and an application that reached `offer_received` (pushed to the applicant, not the recruiter).
 */
export function urgentPush(
  event: CommittedEvent,
  id: string,
): { userId: string; payload: PushPayload } | undefined {
  const userId = USER_TOPIC.exec(event.topic)?.[1];
  if (userId === undefined) return undefined;
  const data = (event.data ?? {}) as Record<string, unknown>;
  const company = text(data.company, 'a company');
  const base = { kind: event.type, id };
  switch (event.type) {
    case EventTypes.interviewReminder:
      return {
        userId,
        payload: {
          ...base,
          title: `Interview in ${text(data.time_until, 'a while')}`,
          body: `${text(data.interview_type, 'Interview')} with ${company}`,
          url: '/#/agenda',
        },
      };
    case EventTypes.followupDue:
      return {
        userId,
        payload: {
          ...base,
          title: 'Follow-up due',
          body: `Follow up with ${company}${typeof data.job_title === 'string' ? ` (${text(data.job_title, '')})` : ''}`,
          url: '/#/agenda',
        },
      };
    case EventTypes.applicationStatusChanged: {
      if (data.new_status !== 'offer_received' || data.applicant_id !== userId) return undefined;
      return {
        userId,
        payload: {
          ...base,
          title: 'Offer received',
          body: `${company} made an offer for ${text(data.job_title, 'your application')}`,
          url: '/#/applications',
        },
      };
    }
    default:
      return undefined;
  }
}
