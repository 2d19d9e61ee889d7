export { CloseCode, ErrorCode, errorHttpStatus } from './codes.js';
export type { CloseCodeName, ErrorCodeValue } from './codes.js';
export { Topic, EventType, TypeFilter, topicPattern } from './topic.js';
export { PublishRequest, PublishResponse } from './event.js';
export type { CanonicalEvent } from './event.js';
export {
  ClientMessage,
  ServerMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  PingMessage,
  PongMessage,
  WelcomeMessage,
  SubscribedMessage,
  UnsubscribedMessage,
  EventMessage,
  ServerPingMessage,
  ServerPongMessage,
  ErrorMessage,
} from './native.js';
