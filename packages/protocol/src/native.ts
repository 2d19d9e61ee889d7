import { z } from 'zod';
import { Topic, TypeFilter } from './topic.js';

/** Native protocol (`/ws`): see docs/PROTOCOL.md. Every message is a JSON object named by `type`. */

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const SubscribeMessage = z.strictObject({
  type: z.literal('subscribe'),
  topic: Topic,
  /** Replay every event after this seq, then go live. */
  since: Seq.optional(),
  /** The epoch the client last saw for this topic; a different one means its seq is meaningless. */
  epoch: z.string().max(100).optional(),
  /** Server-side filter: exact event types or prefixes ending in `.`. */
  types: z.array(TypeFilter).min(1).max(50).optional(),
});
export const UnsubscribeMessage = z.strictObject({ type: z.literal('unsubscribe'), topic: Topic });
export const PingMessage = z.strictObject({ type: z.literal('ping') });
export const PongMessage = z.strictObject({ type: z.literal('pong') });
/** A fresh token for the same user, sent before the current one lapses, keeps the connection open. */
export const RefreshMessage = z.strictObject({
  type: z.literal('refresh'),
  token: z.string().min(1).max(8192),
});

export const ClientMessage = z.discriminatedUnion('type', [
  SubscribeMessage,
  UnsubscribeMessage,
  PingMessage,
  PongMessage,
  RefreshMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

export const WelcomeMessage = z.object({
  type: z.literal('welcome'),
  connection_id: z.string(),
  server_time: z.string(),
  heartbeat_ms: z.number().int(),
  /** Who the server takes the client for: its user's id, null when anonymous. */
  user_id: z.string().nullable().optional(),
});
export const SubscribedMessage = z.object({
  type: z.literal('subscribed'),
  topic: z.string(),
  /** The topic's latest seq when the subscription went live. */
  seq: z.number().int(),
  epoch: z.string(),
  /** true when every event after `since` was (or will now be) replayed; false: reload state. */
  recovered: z.boolean(),
});
export const UnsubscribedMessage = z.object({ type: z.literal('unsubscribed'), topic: z.string() });
export const EventMessage = z.object({
  type: z.literal('event'),
  topic: z.string(),
  seq: z.number().int(),
  event: z.string(),
  ts: z.string(),
  data: z.unknown(),
});
export const ServerPongMessage = z.object({ type: z.literal('pong') });
/** The answer to `refresh`: the connection now lasts until `expires_at` (ISO 8601, or null: no expiry). */
export const RefreshedMessage = z.object({ type: z.literal('refreshed'), expires_at: z.string().nullable() });
/** Sent every `heartbeat_ms`; a client may answer `pong`. Any traffic from the client keeps it alive. */
export const ServerPingMessage = z.object({ type: z.literal('ping') });
export const ErrorMessage = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  /** What the error refers to: the topic of a refused subscribe, say. */
  ref: z.string().optional(),
});

export const ServerMessage = z.discriminatedUnion('type', [
  WelcomeMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  EventMessage,
  ServerPongMessage,
  ServerPingMessage,
  RefreshedMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;
export type SubscribedMessage = z.infer<typeof SubscribedMessage>;
export type EventMessage = z.infer<typeof EventMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
