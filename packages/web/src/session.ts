// The signed-in user: kept in memory and in sessionStorage (this tab only), dropped when it expires.
import { useCallback, useEffect, useState } from 'react';
import { api, type SignedIn } from './api.js';

export interface Session {
  readonly token: string;
  readonly user: SignedIn['user'];
  /** ms since the epoch */
  readonly expiresAt: number;
}

const KEY = 'jobstream.session';

function stored(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

function store(session: Session | undefined): void {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage refused (private mode): the session lives in memory only
  }
}

export interface SessionApi {
  readonly session: Session | undefined;
  readonly signIn: (email: string, password: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

export function useSession(): SessionApi {
  const [session, setSession] = useState<Session | undefined>(stored);
  const change = useCallback((next: Session | undefined) => {
    store(next);
    setSession(next);
  }, []);

  // A token cannot be renewed here: when it lapses, sign in again.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => change(undefined), Math.max(0, session.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [session, change]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api.login(email, password);
      const expiresAt = Date.now() + answer.expires_in * 1000 - 5000;
      change({ token: answer.access_token, user: answer.user, expiresAt });
    },
    [change],
  );
  const signOut = useCallback(async () => {
    // Ends the cookie session too (before the anonymous connection opens); a failure changes nothing.
    await api.logout().catch(() => undefined);
    change(undefined);
  }, [change]);
  return { session, signIn, signOut };
}
