import { useEffect, useRef, useState } from 'react';
import { unreadChange } from '../inbox.js';
import type { JobstreamClient } from '../types.js';
import { useClient } from './provider.js';

export interface UseUnreadCountOptions {
  /** Asks the server for the count (e.g. `GET /api/v1/inbox/unread-count`'s `unread_count`). */
  readonly load: () => Promise<number>;
  /** Reloads that come within this window are one request. @default 250 */
  readonly debounceMs?: number;
  /** Another client than the provider's. */
  readonly client?: JobstreamClient;
}

export type UnreadCountState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly count: number }
  | { readonly status: 'error'; readonly error: string; readonly count: number | undefined };

/**
 * A user's unread inbox count, kept current: loaded once, set at once by `inbox.read` (another device
 * read something), and loaded again (debounced) after each event that may have added an item or when
 * the topic could not be resumed. `userId` null or undefined: nobody signed in, always loading.
 */
export function useUnreadCount(
  userId: string | null | undefined,
  options: UseUnreadCountOptions,
): UnreadCountState {
  const provided = useClient();
  const client = options.client ?? provided;
  const { debounceMs = 250 } = options;
  const load = useRef(options.load);
  load.current = options.load;
  const [state, setState] = useState<UnreadCountState>({ status: 'loading' });

  useEffect(() => {
    if (!userId) return undefined;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A reload started before an `inbox.read` must not overwrite the count that read set.
    let generation = 0;
    const reload = (): void => {
      const mine = ++generation;
      load.current().then(
        (count) => alive && mine === generation && setState({ status: 'ready', count }),
        (error: unknown) =>
          alive &&
          mine === generation &&
          setState((s) => ({
            status: 'error',
            error: error instanceof Error ? error.message : String(error),
            count: s.status === 'loading' ? undefined : s.count,
          })),
      );
    };
    const soon = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(reload, debounceMs);
    };
    reload();
    const off = client.subscribe(
      `user:${userId}`,
      (event) => {
        const change = unreadChange(event);
        if (change.kind === 'set') {
          generation++;
          setState({ status: 'ready', count: change.count });
        } else if (change.kind === 'reload') soon();
      },
      { onReset: soon },
    );
    return () => {
      alive = false;
      if (timer !== undefined) clearTimeout(timer);
      off();
    };
  }, [client, userId, debounceMs]);
  return state;
}
