export { JobstreamProvider, useClient } from './provider.js';
export type { JobstreamProviderProps } from './provider.js';
export { sharedClient } from './shared-client.js';
export type { SharedClient, SharedClientOptions } from './shared-client.js';
export { useTopic } from './use-topic.js';
export type { UseTopicHistory, UseTopicOptions, UseTopicReducer } from './use-topic.js';
export { useConnectionState } from './use-connection-state.js';
export { useUnreadCount } from './use-unread-count.js';
export type { UnreadCountState, UseUnreadCountOptions } from './use-unread-count.js';
export type { ConnectionSnapshot } from './use-connection-state.js';
export { useWebSocket } from './use-websocket.js';
export type { FeedConnectionState, UseWebSocketOptions, UseWebSocketReturn } from './use-websocket.js';
export { useJobsWebSocket } from './use-jobs-websocket.js';
export type { UseJobsWebSocketOptions, UseJobsWebSocketReturn } from './use-jobs-websocket.js';
export type {
  FeedMessage,
  FeedType,
  JobUpdateType,
  QueueJob,
  QueueStatsMessage,
} from './documented-messages.js';
