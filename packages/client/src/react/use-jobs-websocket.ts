import { useEffect, useRef } from 'react';
import type { TokenSource } from '../types.js';
import type { JobstreamEvent } from '../events.js';
import type { TransportName } from '../transports/transport.js';
import {
  queueStats,
  queueUpdate,
  type JobUpdateType,
  type QueueJob,
  type QueueStatsMessage,
} from './documented-messages.js';
import { useOptionalClient, useSharedClient } from './provider.js';
import { useConnectionState } from './use-connection-state.js';

/** job-queue.md's hook options, plus the polling fallback and credentials. */
export interface UseJobsWebSocketOptions {
  /** The server. @default the provider's, else ws://localhost:8000/api/ws/jobs */
  url?: string;
  /** @default true */
  autoReconnect?: boolean;
  /** First reconnect delay in ms (then exponential, with jitter). @default 3000 */
  reconnectInterval?: number;
  onJobUpdate?: (job: QueueJob, type: JobUpdateType) => void;
  onStatsUpdate?: (stats: QueueStatsMessage) => void;
  /**
   * Reloads the queue over REST: called every `pollInterval` (30 s while connected, 5 s without, as the
   * document's pages do), and at once when the stream could not be resumed.
   */
  onPoll?: () => void;
  token?: string;
  getToken?: TokenSource;
}

export interface UseJobsWebSocketReturn {
  isConnected: boolean;
  transport: TransportName | undefined;
  /** The polling interval that fits the connection: 30000 connected, 5000 without. */
  pollInterval: number;
}

/** job-queue.md's `useJobsWebSocket`, on the SDK's shared, gap-free connection. */
export function useJobsWebSocket(options: UseJobsWebSocketOptions = {}): UseJobsWebSocketReturn {
  const { url, autoReconnect = true, reconnectInterval = 3000, token, getToken } = options;
  const provided = useOptionalClient();
  const client = useSharedClient(
    url || !provided
      ? {
          url: new URL(url ?? 'ws://localhost:8000/api/ws/jobs').origin,
          maxRetries: autoReconnect ? Infinity : 0,
          initialDelayMs: reconnectInterval,
          ...(token ? { token } : {}),
          ...(getToken ? { getToken } : {}),
        }
      : undefined,
    provided,
  );
  const latest = useRef(options);
  latest.current = options;
  const { state, transport } = useConnectionState(client);
  const isConnected = state === 'open';
  const pollInterval = isConnected ? 30_000 : 5000;

  useEffect(
    () =>
      client.subscribe('queue', (e) => handle(latest.current, e), {
        onReset: () => latest.current.onPoll?.(),
      }),
    [client],
  );
  // The queue shows other users' work redacted (this API never sends it) and one's own work whole
  // on one's own topic, as `/api/ws/jobs` sends the jobs REST lists for its reader.
  const userId = isConnected ? client.userId : undefined;
  useEffect(() => {
    if (typeof userId !== 'string') return;
    return client.subscribe(`user:${userId}`, (e) => handle(latest.current, e), {
      types: ['work.'],
      onReset: () => latest.current.onPoll?.(),
    });
  }, [client, userId]);

  useEffect(() => {
    const timer = setInterval(() => latest.current.onPoll?.(), pollInterval);
    return () => clearInterval(timer);
  }, [pollInterval]);

  return { isConnected, transport, pollInterval };
}

/** A queue event as the document's callbacks: a job update, or the statistics. */
function handle(options: UseJobsWebSocketOptions, e: JobstreamEvent): void {
  const update = queueUpdate(e);
  if (update) options.onJobUpdate?.(update.job, update.type);
  const stats = queueStats(e);
  if (stats) options.onStatsUpdate?.(stats);
}
