import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClientMessage } from '@jobstream/protocol';
import type { JobstreamEvent } from '../events.js';
import type { TokenSource } from '../types.js';
import { batcher } from './batch.js';
import { FEED_TYPES, feedMessage, type FeedMessage, type FeedType } from './documented-messages.js';
import { useOptionalClient, useSharedClient } from './provider.js';
import { useConnectionState } from './use-connection-state.js';

/** job-feed.md's connection states. */
export type FeedConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error';

/** job-feed.md's hook options, plus credentials. */
export interface UseWebSocketOptions {
  /** The server (any URL on it; the SDK speaks the native protocol at its `/ws`). @default the provider's, else ws://localhost:8000/api/v1/ws/jobs */
  url?: string;
  /** @default true */
  reconnect?: boolean;
  /** @default 5 */
  maxReconnectAttempts?: number;
  /** First reconnect delay in ms (then exponential, with jitter). @default 1000 */
  reconnectDelay?: number;
  /** Seconds between the client's pings. @default 30 */
  heartbeatInterval?: number;
  /** Only messages of these types (`new_job`, `job_updated`, `scrape_started`, `scrape_completed`). */
  messageTypes?: string[];
  onConnectionChange?: (state: FeedConnectionState) => void;
  token?: string;
  getToken?: TokenSource;
  /** Messages kept. @default 100 */
  historyLimit?: number;
}

export interface UseWebSocketReturn {
  state: FeedConnectionState;
  lastMessage: FeedMessage | null;
  /** The latest messages (at most 100). */
  messages: FeedMessage[];
  /** `{type: 'ping'}`, or `{type: 'subscribe', events: [...]}` to change the filter. */
  send: (message: Record<string, unknown>) => void;
  connect: () => void;
  disconnect: () => void;
  clearMessages: () => void;
}

const TOPIC_OF: Readonly<Record<FeedType, 'postings' | 'scrapes'>> = {
  new_job: 'postings',
  job_updated: 'postings',
  scrape_started: 'scrapes',
  scrape_completed: 'scrapes',
};

/** job-feed.md's `useWebSocket`, on the SDK's shared, gap-free connection. */
export function useWebSocket(options: UseWebSocketOptions = {}): UseWebSocketReturn {
  const {
    url,
    reconnect = true,
    maxReconnectAttempts = 5,
    reconnectDelay = 1000,
    heartbeatInterval = 30,
    token,
    getToken,
    historyLimit = 100,
  } = options;
  const [enabled, setEnabled] = useState(true);
  const [filter, setFilter] = useState(options.messageTypes);
  const [messages, setMessages] = useState<FeedMessage[]>([]);
  const provided = useOptionalClient();
  const client = useSharedClient(
    url || !provided
      ? {
          url: new URL(url ?? 'ws://localhost:8000/api/v1/ws/jobs').origin,
          maxRetries: reconnect ? maxReconnectAttempts : 0,
          initialDelayMs: reconnectDelay,
          ...(token ? { token } : {}),
          ...(getToken ? { getToken } : {}),
        }
      : undefined,
    provided,
    enabled,
  );
  const { state: connection, reason } = useConnectionState(client);
  const state: FeedConnectionState = !enabled
    ? 'disconnected'
    : connection === 'open'
      ? 'connected'
      : connection !== 'closed'
        ? 'connecting'
        : reason?.kind === 'user' || reason === undefined
          ? 'disconnected'
          : 'error';

  const onChange = useRef(options.onConnectionChange);
  onChange.current = options.onConnectionChange;
  const reported = useRef<FeedConnectionState | undefined>(undefined);
  useEffect(() => {
    if (reported.current !== state) onChange.current?.(state);
    reported.current = state;
  }, [state]);

  const filterKey = (filter ?? Object.keys(FEED_TYPES))
    .filter((t): t is FeedType => t in FEED_TYPES)
    .join(',');
  useEffect(() => {
    if (!enabled) return;
    const wanted = filterKey.split(',').filter(Boolean) as FeedType[];
    const batch = batcher<FeedMessage>(16, (items) =>
      setMessages((current) => [...current, ...items].slice(-historyLimit)),
    );
    const handle = (e: JobstreamEvent<(typeof FEED_TYPES)[FeedType]>): void => batch.push(feedMessage(e));
    const offs = (['postings', 'scrapes'] as const).flatMap((topic) => {
      const types = wanted.filter((t) => TOPIC_OF[t] === topic).map((t) => FEED_TYPES[t]);
      return types.length ? [client.subscribe(topic, handle, { types })] : [];
    });
    return () => {
      for (const off of offs) off();
      batch.cancel();
    };
  }, [client, enabled, filterKey, historyLimit]);

  useEffect(() => {
    if (!enabled || !heartbeatInterval) return;
    const timer = setInterval(() => {
      if (client.state === 'open') client.send({ type: 'ping' });
    }, heartbeatInterval * 1000);
    return () => clearInterval(timer);
  }, [client, enabled, heartbeatInterval]);

  const send = useCallback(
    (message: Record<string, unknown>) => {
      if (message.type === 'subscribe' && Array.isArray(message.events)) {
        setFilter(message.events.filter((e): e is string => typeof e === 'string'));
      } else client.send(message as ClientMessage);
    },
    [client],
  );
  return {
    state,
    lastMessage: messages.at(-1) ?? null,
    messages,
    send,
    connect: useCallback(() => setEnabled(true), []),
    disconnect: useCallback(() => setEnabled(false), []),
    clearMessages: useCallback(() => setMessages([]), []),
  };
}
