/**
 * The canonical event types of the domain, by name: named by the thing, not by any one API's jargon.
 * Their data is in the event catalogue (catalogue.ts).
 */
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
  inboxRead: 'inbox.read',
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
