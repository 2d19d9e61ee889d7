import { useEffect, useRef, useState } from 'react';
import type { TopicEvent } from '../events.js';
import type { JobstreamClient } from '../types.js';
import { batcher } from './batch.js';
import { useClient } from './provider.js';

export interface UseTopicOptions {
  /** Resume after this seq. @default live from mount */
  readonly since?: number;
  readonly types?: readonly string[];
  /** Events that arrive within this window are folded into one render. @default 16 */
  readonly batchMs?: number;
  /** The topic could not be resumed: reload what the state was built from. */
  readonly onReset?: (topic: string) => void;
  /** Another client than the provider's. */
  readonly client?: JobstreamClient;
}

export interface UseTopicHistory extends UseTopicOptions {
  /** How many events to keep. @default 100 */
  readonly limit?: number;
}

export interface UseTopicReducer<T extends string, S> extends UseTopicOptions {
  /** Folds each event into the state; a burst is folded at once, in order, none skipped. */
  readonly reducer: (state: S, event: TopicEvent<T>) => S;
  readonly initial: S;
}

/** The newest events of a topic (at most `limit`, 100 by default), oldest first. */
export function useTopic<T extends string>(topic: T, options?: UseTopicHistory): readonly TopicEvent<T>[];
/** A state folded from every event of a topic through `reducer`. */
export function useTopic<T extends string, S>(topic: T, options: UseTopicReducer<T, S>): S;
export function useTopic<T extends string, S>(
  topic: T,
  options: (UseTopicHistory & Partial<UseTopicReducer<T, S>>) | undefined = {},
): S | readonly TopicEvent<T>[] {
  const provided = useClient();
  const client = options.client ?? provided;
  const { since, types, batchMs = 16, limit = 100 } = options;
  const reducer: (state: S | readonly TopicEvent<T>[], event: TopicEvent<T>) => S | readonly TopicEvent<T>[] =
    (options.reducer as never) ??
    ((events: readonly TopicEvent<T>[], e: TopicEvent<T>) => [...events, e].slice(-limit));
  const latest = useRef({ reducer, onReset: options.onReset });
  latest.current = { reducer, onReset: options.onReset };
  const [state, setState] = useState<S | readonly TopicEvent<T>[]>(() => options.initial ?? []);
  const typesKey = types?.join(',');

  useEffect(() => {
    const batch = batcher<TopicEvent<T>>(batchMs, (events) =>
      // The updater folds its own batch: pure, so React may call it twice (StrictMode) safely.
      setState((current) => events.reduce((s, e) => latest.current.reducer(s, e), current)),
    );
    const off = client.subscribe(topic, (e) => batch.push(e), {
      ...(since === undefined ? {} : { since }),
      ...(typesKey ? { types: typesKey.split(',') } : {}),
      onReset: (t) => latest.current.onReset?.(t),
    });
    return () => {
      off();
      batch.cancel();
    };
  }, [client, topic, since, typesKey, batchMs]);
  return state;
}
