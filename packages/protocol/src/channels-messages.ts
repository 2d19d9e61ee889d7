import { z } from 'zod';

/**
 * The wire messages of the channels API (`/api/v1/ws`, spec/channels.md), as zod schemas: the server
 * validates client messages with them and the AsyncAPI document is made from them.
 */

/** The seven channels of the document, in its order. */
export const CHANNELS = [
  'jobs',
  'applications',
  'recommendations',
  'skills',
  'followups',
  'interviews',
  'system',
] as const;
export const ChannelName = z.enum(CHANNELS);
export type ChannelName = z.infer<typeof ChannelName>;

// Client → server. `channel` is any string here, so that an unknown name gets its own error message.
export const SubscribeAction = z.object({ action: z.literal('subscribe'), channel: z.string() });
export const UnsubscribeAction = z.object({ action: z.literal('unsubscribe'), channel: z.string() });
export const ListChannelsAction = z.object({ action: z.literal('list_channels') });
/** The answer clients give every `system.ping`: accepted silently. */
export const PongAction = z.object({ action: z.literal('pong') });
export const PingAction = z.object({ action: z.literal('ping') });
export const GetStatsAction = z.object({ action: z.literal('get_stats') });

/** Every client message, tagged by `action`. */
export const ChannelsClientMessage = z.discriminatedUnion('action', [
  SubscribeAction,
  UnsubscribeAction,
  ListChannelsAction,
  PongAction,
  PingAction,
  GetStatsAction,
]);
export type ChannelsClientMessage = z.infer<typeof ChannelsClientMessage>;
export const clientActions: readonly string[] = ChannelsClientMessage.options.map(
  (o) => o.shape.action.value,
);

// Server → client. Every message is the envelope `{type, data, timestamp}`, except the flat
// `system.pong` and `system.error` the original sent; events add `event_id` (`topic@seq`).
const timestamp = z.iso.datetime();
const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data, timestamp, event_id: z.string().optional() });

export const ConnectedMessage = envelope(
  'system.connected',
  z.object({
    connection_id: z.string(),
    user_id: z.string().nullable(),
    channels: z.array(ChannelName),
    message: z.literal('Connected to WebSocket server'),
    timestamp,
  }),
);
export const SubscribedMessage = envelope(
  'system.subscribed',
  z.object({ channel: ChannelName, subscriber_count: z.number().int() }),
);
export const UnsubscribedMessage = envelope('system.unsubscribed', z.object({ channel: ChannelName }));
export const ChannelsMessage = envelope(
  'system.channels',
  z.object({ channels: z.array(ChannelName), available_channels: z.array(ChannelName) }),
);
export const SystemPingMessage = envelope('system.ping', z.object({ timestamp }));
export const SystemPongMessage = z.object({ type: z.literal('system.pong'), timestamp });
export const StatsMessage = envelope(
  'system.stats',
  z.object({
    connection_id: z.string(),
    user_id: z.string().nullable(),
    subscribed_channels: z.array(ChannelName),
    total_connections: z.number().int(),
    total_users: z.number().int(),
    channel_subscribers: z.record(ChannelName, z.number().int()),
  }),
);
export const SystemErrorMessage = z.object({
  type: z.literal('system.error'),
  message: z.string(),
  data: z.object({ message: z.string() }),
  timestamp,
});

/** Every control message the server sends (events are in channels-events.ts). */
export const ChannelsControlMessage = z.discriminatedUnion('type', [
  ConnectedMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  ChannelsMessage,
  SystemPingMessage,
  SystemPongMessage,
  StatsMessage,
  SystemErrorMessage,
]);
export type ChannelsControlMessage = z.infer<typeof ChannelsControlMessage>;
