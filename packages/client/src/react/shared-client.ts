import { createClient } from '../client.js';
import type { ClientOptions, JobstreamClient, TokenSource } from '../types.js';

/** What makes a shared connection: the URL, the credentials, and the connection's tuning. */
export interface SharedClientOptions extends Omit<ClientOptions, 'autoConnect' | 'onReset'> {
  /**
   * Names the credentials `getToken` stands for (a user id, say): clients with the same URL and key
   * share one connection. @default one connection per URL for every `getToken`
   */
  readonly credentialsKey?: string;
  /** How long a connection outlives its last user (StrictMode remounts at once). @default 1000 */
  readonly lingerMs?: number;
}

export interface SharedClient {
  readonly client: JobstreamClient;
  /** Adds a user; returns the function that removes it. The last one out closes the connection. */
  retain(): () => void;
}

interface Entry extends SharedClient {
  getToken: TokenSource | undefined;
}

const entries = new Map<string, Entry>();

/**
 * The one client for these options, made on first use but connected only while retained: a render
 * may make it (React may render and discard), an effect keeps it.
 */
export function sharedClient(options: SharedClientOptions): SharedClient {
  const { getToken, credentialsKey, lingerMs = 1000, WebSocket, fetch, transports, ...tuning } = options;
  const key = JSON.stringify([tuning, credentialsKey ?? (getToken ? 'getToken' : null)]);
  const found = entries.get(key);
  if (found) {
    found.getToken = getToken; // the newest function: no stale closure
    return found;
  }
  let refs = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const entry: Entry = {
    getToken,
    client: createClient({
      ...tuning,
      ...(WebSocket ? { WebSocket } : {}),
      ...(fetch ? { fetch } : {}),
      ...(transports ? { transports } : {}),
      ...(getToken ? { getToken: () => entry.getToken?.() } : {}),
      autoConnect: false,
    }),
    retain() {
      refs++;
      clearTimeout(timer);
      if (entry.client.state === 'closed') entry.client.connect();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--refs > 0) return;
        timer = setTimeout(() => {
          if (refs > 0) return;
          entry.client.close();
          if (entries.get(key) === entry) entries.delete(key);
        }, lingerMs);
      };
    },
  };
  entries.set(key, entry);
  return entry;
}
