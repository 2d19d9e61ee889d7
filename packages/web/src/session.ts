// The signed-in user: kept in memory and in sessionStorage (this tab only), renewed before it expires.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type SignedIn } from './api.js';

export interface Session {
  readonly token: string;
  readonly user: SignedIn['user'];
  /** ms since the epoch */
  readonly expiresAt: number;
  /** When the token was issued (ms since the epoch): renewed at four fifths of its life. */
  readonly issuedAt?: number;
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

  // Renewed at four fifths of its life (POST /api/v1/auth/refresh); the SDK hands the new token to the
  // live connection. Refused (the account is gone, the secret changed): signed out. A network failure
  // tries again at four fifths of what is left, until the token lapses.
  useEffect(() => {
    if (!session) return;
    const now = Date.now();
    if (session.expiresAt <= now) {
      change(undefined);
      return;
    }
    const issued = session.issuedAt ?? now;
    const at = issued + (session.expiresAt - issued) * 0.8;
    const timer = setTimeout(
      () => {
        api
          .refresh(session.token)
          .then((answer) => change(fromAnswer(answer)))
          .catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 401) change(undefined);
            else change({ ...session, issuedAt: Date.now() - 1 });
          });
      },
      Math.max(0, Math.min(at - now, session.expiresAt - now - 1000)),
    );
    return () => clearTimeout(timer);
  }, [session, change]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      change(fromAnswer(await api.login(email, password)));
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

function fromAnswer(answer: SignedIn): Session {
  const issuedAt = Date.now();
  return {
    token: answer.access_token,
    user: answer.user,
    issuedAt,
    expiresAt: issuedAt + answer.expires_in * 1000 - 5000,
  };
}
