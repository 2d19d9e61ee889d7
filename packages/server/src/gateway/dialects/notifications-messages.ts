import { z } from 'zod';
import { parseClientJson, TOO_DEEP } from '../client-json.js';

/**
 * The client messages of `/ws/notifications/` (spec/notifications.md), validated once at the edge.
 * Unknown fields are ignored, as the original consumer ignored them.
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

const knownTypes: readonly string[] = ['ping', 'subscribe', 'unsubscribe'];

/** A parsed client message, or the error sentence the client is sent instead. */
export type ParsedNotificationsMessage =
  | { readonly ok: true; readonly message: NotificationsClientMessage }
  | { readonly ok: false; readonly error: string };

/**
 * Parses one text frame. A JSON object without `type` counts as a ping (the original defaulted the
 * type to `ping`); the error sentences are the ones the document lists.
 */
export function parseNotificationsMessage(text: string): ParsedNotificationsMessage {
  const json = parseClientJson(text);
  if (!json.ok) {
    const error = json.reason === 'too_deep' ? `Invalid message format: ${TOO_DEEP}` : 'Invalid JSON format';
    return { ok: false, error };
  }
  const raw = json.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'Invalid message format: expected a JSON object' };
  }
  const record = raw as Record<string, unknown>;
  const type = record.type ?? 'ping';
  if (typeof type !== 'string' || !knownTypes.includes(type)) {
    return { ok: false, error: `Unknown message type: ${describe(type)}` };
  }
  if (type !== 'ping' && record.notification_types === undefined) {
    return { ok: false, error: 'Missing required field: notification_types' };
  }
  const parsed = NotificationsClientMessage.safeParse({ ...record, type });
  if (!parsed.success) {
    return {
      ok: false,
      error: 'Invalid field: notification_types must be a list of notification type names',
    };
  }
  return { ok: true, message: parsed.data };
}

/** A client's value, short enough to quote back in an error. */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
