export { createClient } from './client.js';
export { backoffDelay } from './backoff.js';
export { INBOX_EVENT_TYPES, unreadChange } from './inbox.js';
export type { UnreadChange } from './inbox.js';
export { websocket } from './transports/websocket.js';
export { sse } from './transports/sse.js';
export { longPoll } from './transports/long-poll.js';
export type {
  Transport,
  TransportContext,
  TransportEvents,
  TransportFactory,
  TransportName,
  WebSocketConstructor,
  WebSocketLike,
} from './transports/transport.js';
export type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  Handler,
  JobstreamClient,
  ReasonKind,
  SendResult,
  StateChange,
  StateReason,
  SubscribeOptions,
  TokenSource,
} from './types.js';
export type {
  EventDataMap,
  EventTypeName,
  JobstreamEvent,
  ScrapeCompletedData,
  ScrapeStartedData,
  TopicEvent,
  TopicEventType,
} from './events.js';
