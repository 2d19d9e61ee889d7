import { z } from 'zod';

/**
 * The wire messages of `/ws/notifications/` (spec/notifications.md) as zod schemas. Client messages
 * are validated with them (unknown fields are ignored, as the original consumer ignored them); server
 * messages carry the document's fields, then the few this server adds (`company`, `event_id`, …).
 */

/** A notification type as a client names it (`job_posted`, `match_score_calculated`, …). */
const NotificationTypeName = z.string().min(1).max(100);
const NotificationTypes = z.array(NotificationTypeName).max(100);

export const NotificationsPing = z.object({
  type: z.literal('ping'),
  /** Echoed in the `pong` when it is a string or a number. */
  timestamp: z.unknown().optional(),
});
export const NotificationsSubscribe = z.object({
  type: z.literal('subscribe'),
  notification_types: NotificationTypes,
});
export const NotificationsUnsubscribe = z.object({
  type: z.literal('unsubscribe'),
  notification_types: NotificationTypes,
});

export const NotificationsClientMessage = z.discriminatedUnion('type', [
  NotificationsPing,
  NotificationsSubscribe,
  NotificationsUnsubscribe,
]);
export type NotificationsClientMessage = z.infer<typeof NotificationsClientMessage>;

/** `2024-01-01T00:00:00.000+00:00`: the original's Python `isoformat()` style. */
const timestamp = z.string();
const eventId = z.string().describe('the canonical topic@seq, for de-duplication');
const id = z.union([z.number().int(), z.string()]);

export const NotificationsServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connection_established'),
    user_id: z.string(),
    user_type: z.string().nullable(),
    timestamp,
    unread_count: z.number().int().optional().describe('Jobstream’s addition: the user’s unread inbox items'),
  }),
  z.object({
    type: z.literal('pong'),
    timestamp: z.union([z.string(), z.number()]).describe('the ping’s, echoed'),
  }),
  z.object({ type: z.literal('subscription_confirmed'), notification_types: z.array(z.string()), timestamp }),
  z.object({
    type: z.literal('unsubscription_confirmed'),
    notification_types: z.array(z.string()),
    timestamp,
  }),
  z.object({
    type: z.literal('job_posted'),
    message: z.string(),
    job_id: id,
    job_title: z.string(),
    company: z.string(),
    location: z.string().nullable(),
    timestamp,
    data: z.object({ skills_required: z.array(z.string()) }),
    event_id: eventId,
  }),
  z.object({
    type: z.literal('application_received'),
    message: z.string(),
    application_id: id,
    job_id: id,
    applicant_name: z.string(),
    timestamp,
    data: z.object({
      job_title: z.string(),
      company: z.string().nullable(),
      applicant_id: z.string().nullable(),
    }),
    event_id: eventId,
  }),
  z.object({
    type: z.literal('application_status_changed'),
    message: z.string(),
    application_id: id,
    old_status: z.string(),
    new_status: z.string(),
    job_title: z.string(),
    timestamp,
    job_id: id.nullable(),
    company: z.string().nullable(),
    event_id: eventId,
  }),
  z.object({
    type: z.literal('match_score_calculated'),
    message: z.string(),
    job_id: id,
    job_title: z.string(),
    match_score: z.number().describe('0–100'),
    timestamp,
    company: z.string().nullable(),
    event_id: eventId,
  }),
  z.object({
    type: z.literal('notification'),
    message: z.string(),
    notification_type: z.string(),
    priority: z.string(),
    timestamp,
    data: z.record(z.string(), z.unknown()),
    notification_id: id.nullable(),
    event_id: eventId,
  }),
  z
    .object({
      type: z.literal('inbox_read'),
      ids: z.union([z.array(z.number().int()), z.literal('all')]),
      unread_count: z.number().int().nullable(),
      timestamp,
      event_id: eventId,
    })
    .describe('Jobstream’s addition: inbox items read on another device (documented clients ignore it)'),
  z.object({ type: z.literal('error'), message: z.string(), timestamp }),
]);
export type NotificationsServerMessage = z.infer<typeof NotificationsServerMessage>;
