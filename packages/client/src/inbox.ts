import type { TopicEvent } from './events.js';

/**
 * The event types on a user's topic that may add an item to their inbox (the server decides which do:
 * a match score of 80 or more, a recruiter's copy of an application, and so on).
 */
export const INBOX_EVENT_TYPES: readonly string[] = [
  'application.created',
  'application.status_changed',
  'interview.scheduled',
  'interview.cancelled',
  'interview.reminder',
  'followup.due',
  'analysis.completed',
  'recommendations.new',
  'notification',
];

/** What an event of the user's own topic does to their unread count. */
export type UnreadChange =
  /** `inbox.read` (another device read something): the count the server says. */
  | { readonly kind: 'set'; readonly count: number }
  /** An event that may have added an item: ask the server again. */
  | { readonly kind: 'reload' }
  | { readonly kind: 'none' };

/**
 * How an event of `user:{id}` changes that user's unread inbox count. `inbox.read` carries the new
 * count; the events that may make an item call for a reload (`GET /api/v1/inbox/unread-count`).
 */
export function unreadChange(event: TopicEvent<`user:${string}`>): UnreadChange {
  if (event.type === 'inbox.read') {
    const count = event.data.unread_count;
    return typeof count === 'number' ? { kind: 'set', count } : { kind: 'reload' };
  }
  return INBOX_EVENT_TYPES.includes(event.type) ? { kind: 'reload' } : { kind: 'none' };
}
