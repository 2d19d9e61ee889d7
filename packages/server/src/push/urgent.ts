import { EventTypes } from '@jobstream/protocol';
import { inboxItemFor, isUrgentInboxItem } from '../domain/inbox.js';
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

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value.slice(0, 120) : fallback;

/**
 * The push an event calls for, and whose it is, or undefined: the inbox items of the urgent kinds
 * (domain/inbox.ts decides: interview reminders, follow-ups coming due, and an application that
 * reached `offer_received`, for the applicant), its body the item's own summary.
 */
export function urgentPush(
  event: CommittedEvent,
  id: string,
): { userId: string; payload: PushPayload } | undefined {
  const item = inboxItemFor(event);
  if (!item?.audience.startsWith('user:') || !isUrgentInboxItem(item)) return undefined;
  const userId = item.audience.slice('user:'.length);
  const data = (event.data ?? {}) as Record<string, unknown>;
  const base = { kind: event.type, id, body: item.summary.slice(0, 200) };
  switch (event.type) {
    case EventTypes.interviewReminder:
      return {
        userId,
        payload: { ...base, title: `Interview in ${text(data.time_until, 'a while')}`, url: '/#/agenda' },
      };
    case EventTypes.followupDue:
      return { userId, payload: { ...base, title: 'Follow-up due', url: '/#/agenda' } };
    case EventTypes.applicationStatusChanged:
      return { userId, payload: { ...base, title: 'Offer received', url: '/#/applications' } };
    default:
      return undefined;
  }
}
