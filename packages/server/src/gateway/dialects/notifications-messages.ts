import { NotificationsClientMessage } from '@jobstream/protocol';
import { TOO_DEEP } from '../client-json.js';
import { readJson } from '../dialect.js';

/**
 * Parsing the client messages of `/ws/notifications/` (spec/notifications.md, their schemas are in
 * packages/protocol), validated once at the edge.
 */

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
  const json = readJson(text);
  if (!json.ok) {
    const error = json.reason === 'too_deep' ? `Invalid message format: ${TOO_DEEP}` : 'Invalid JSON format';
    return { ok: false, error };
  }
  const record = json.fields;
  if (record === null) return { ok: false, error: 'Invalid message format: expected a JSON object' };
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
