// The signed-in user's inbox (GET /api/v1/inbox: what was addressed to them, their role or everyone,
// kept by the server with its read state on every device), its unread badge, and reading; `inbox.read`
// from another tab or device clears items and the badge at once. Anonymous visitors see `system`
// notices of this session only.
import { unreadChange } from '@jobstream/client';
import { useClient, useTopic } from '@jobstream/client/react';
import type { Role } from '@jobstream/protocol';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { call } from './api.js';
import { useToast } from './toasts.js';
import { describe, emptyUser, foldUser, type Activity, type UserEvent, type UserView } from './state.js';

export interface NotificationsApi {
  readonly items: readonly Activity[];
  readonly unread: number;
  readonly isRead: (id: string) => boolean;
  /** Marks one item read, or all of them (no id). */
  readonly markRead: (id?: string) => void;
  /** The newest of the user's events folded (recommendations, runs), for the pages that show them. */
  readonly view: UserView;
  /** Whether the items are the server's inbox (signed in) rather than this session's notices. */
  readonly durable: boolean;
}

/** One inbox item as `GET /api/v1/inbox` answers it. */
interface InboxItem {
  readonly id: number;
  readonly kind: string;
  readonly summary: string;
  readonly urgent: boolean;
  readonly read: boolean;
  readonly created_at: string;
}
interface InboxPage {
  readonly items: readonly InboxItem[];
  readonly unread_count: number;
}
interface InboxRead {
  readonly ids: readonly number[] | 'all';
  readonly up_to: number | null;
  readonly unread_count: number;
}

/** The newest items the page lists. */
const SHOWN = 50;

const none: NotificationsApi = {
  items: [],
  unread: 0,
  isRead: () => true,
  markRead: () => undefined,
  view: emptyUser,
  durable: false,
};
const Context = createContext<NotificationsApi>(none);
export const useNotifications = () => useContext(Context);

export function NotificationsProvider({
  userId,
  role,
  token,
  children,
}: {
  userId: string | undefined;
  role?: Role | undefined;
  token?: string | undefined;
  children: ReactNode;
}) {
  return userId ? (
    <Signed key={userId} userId={userId} role={role} token={token}>
      {children}
    </Signed>
  ) : (
    <Anonymous>{children}</Anonymous>
  );
}

const kindLabels: Readonly<Record<string, string>> = {
  'application.created': 'New application',
  'application.status_changed': 'Application',
  'interview.scheduled': 'Interview scheduled',
  'interview.cancelled': 'Interview cancelled',
  'interview.reminder': 'Interview reminder',
  'followup.due': 'Follow-up due',
  'analysis.completed': 'Match score',
  'recommendations.new': 'Recommendations',
  notification: 'Notification',
  'system.notification': 'System notice',
};

const activityOf = (item: InboxItem): Activity => ({
  id: String(item.id),
  type: item.kind,
  ts: item.created_at,
  title: item.summary,
  detail: kindLabels[item.kind] ?? item.kind,
});

/** Applies an `inbox.read` to the items shown: those it names (or all up to `up_to`) are read. */
const applyRead = (items: readonly InboxItem[], read: InboxRead): readonly InboxItem[] =>
  items.map((item) =>
    item.read || !(read.ids === 'all' ? item.id <= (read.up_to ?? 0) : read.ids.includes(item.id))
      ? item
      : { ...item, read: true },
  );

function Signed({
  userId,
  role,
  token,
  children,
}: {
  userId: string;
  role: Role | undefined;
  token: string | undefined;
  children: ReactNode;
}) {
  const view = useTopic(`user:${userId}`, { reducer: foldUser, initial: emptyUser });
  const client = useClient();
  const [inbox, setInbox] = useState<{ items: readonly InboxItem[]; unread: number }>({
    items: [],
    unread: 0,
  });
  const tokenRef = useRef(token);
  tokenRef.current = token;
  // A load started before an `inbox.read` or a click must not bring back what they changed.
  const generation = useRef(0);
  const load = useCallback(async () => {
    const mine = ++generation.current;
    const page = await call<InboxPage>(`/api/v1/inbox?limit=${SHOWN}`, { token: tokenRef.current });
    if (mine === generation.current) setInbox({ items: page.items, unread: page.unread_count });
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void load().catch(() => undefined), 200);
    };
    void load().catch(() => undefined);
    const offs = [
      client.subscribe(
        `user:${userId}`,
        (e) => {
          const change = unreadChange(e);
          if (e.type === 'inbox.read') {
            generation.current++;
            setInbox((s) => ({ items: applyRead(s.items, e.data), unread: e.data.unread_count }));
          } else if (change.kind === 'reload') soon();
        },
        { onReset: soon },
      ),
      // Notifications to everyone, and to the user's role, are inbox items too.
      client.subscribe('system', (e) => {
        if (e.type === 'system.notification') soon();
      }),
      ...(role
        ? [
            client.subscribe(`role:${role}`, (e) => {
              if (e.type === 'notification') soon();
            }),
          ]
        : []),
    ];
    // What arrived while the socket was away is in the inbox: ask again now and then.
    const every = setInterval(() => void load().catch(() => undefined), 60_000);
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      clearInterval(every);
      for (const off of offs) off();
    };
  }, [client, userId, role, load]);

  const markRead = useCallback((id?: string) => {
    generation.current++;
    const target = id === undefined ? undefined : Number(id);
    setInbox((s) => {
      const items = s.items.map((i) => (target === undefined || i.id === target ? { ...i, read: true } : i));
      const changed = s.items.filter((i, n) => !i.read && items[n]?.read).length;
      return { items, unread: target === undefined ? 0 : Math.max(0, s.unread - changed) };
    });
    const path = target === undefined ? '/api/v1/inbox/read-all' : `/api/v1/inbox/${target}/read`;
    void call<InboxRead>(path, { method: 'POST', token: tokenRef.current }).then(
      (read) => setInbox((s) => ({ items: applyRead(s.items, read), unread: read.unread_count })),
      () => undefined,
    );
  }, []);

  const activities = useMemo(() => inbox.items.map(activityOf), [inbox.items]);
  const readIds = useMemo(
    () => new Set(inbox.items.filter((i) => i.read).map((i) => String(i.id))),
    [inbox.items],
  );
  useAlerts(inbox.items);
  const value = useMemo(
    () => ({
      items: activities,
      unread: inbox.unread,
      isRead: (id: string) => readIds.has(id),
      markRead,
      view,
      durable: true,
    }),
    [activities, inbox.unread, readIds, markRead, view],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/**
 * Reminders and due follow-ups as a toast on whatever page is open, and browser notifications for
 * what arrives while the page is hidden (once allowed): only items newer than the page.
 */
function useAlerts(items: readonly InboxItem[]) {
  const toast = useToast();
  const opened = useRef(Date.now() - 5_000);
  const shown = useRef(new Set<number>());
  useEffect(() => {
    for (const item of items) {
      if (shown.current.has(item.id) || item.read || Date.parse(item.created_at) < opened.current) continue;
      shown.current.add(item.id);
      if (item.kind === 'interview.reminder' || item.kind === 'followup.due') toast(`⏰ ${item.summary}`);
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden)
        new Notification(kindLabels[item.kind] ?? 'Jobstream', { body: item.summary, tag: String(item.id) });
    }
  }, [items, toast]);
}

function Anonymous({ children }: { children: ReactNode }) {
  const system = useTopic('system', {
    reducer: (list: readonly Activity[], e) => {
      const line = describe({ ...(e as UserEvent), type: 'notification' });
      return line ? [{ ...line, title: 'System notice' }, ...list].slice(0, 30) : list;
    },
    initial: [] as readonly Activity[],
  });
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const markRead = useCallback(
    (id?: string) => setRead((r) => new Set([...r, ...(id ? [id] : system.map((i) => i.id))])),
    [system],
  );
  const value = useMemo(
    () => ({
      items: system,
      unread: system.filter((i) => !read.has(i.id)).length,
      isRead: (id: string) => read.has(id),
      markRead,
      view: emptyUser,
      durable: false,
    }),
    [system, read, markRead],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
