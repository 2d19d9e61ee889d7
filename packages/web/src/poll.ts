// REST loads repeated on a timer: slower while the live connection carries changes, faster without it.
import { useConnectionState } from '@jobstream/client/react';
import { useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly reload: () => void;
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `load()` now, whenever `key` changes, and every `liveMs` while live (`downMs` while not). */
export function usePolled<T>(load: () => Promise<T>, key: string, liveMs: number, downMs: number): Polled<T> {
  const { state, transport } = useConnectionState();
  const live = state === 'open' && transport !== 'long-poll';
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let current = true;
    const run = () =>
      latest.current().then(
        (value) => {
          if (!current) return;
          setData(value);
          setError(undefined);
        },
        (e: unknown) => current && setError(message(e)),
      );
    void run();
    const timer = setInterval(() => void run(), live ? liveMs : downMs);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [key, live, liveMs, downMs, reloads]);
  const reload = useRef(() => setReloads((n) => n + 1)).current;
  return { data, error, reload };
}
