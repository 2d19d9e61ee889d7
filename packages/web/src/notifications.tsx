// The signed-in user's notifications (their `user:{id}` events in a line each, and `system` notices),
// with what is unread; optionally shown as browser notifications too, once the user asked for them.
import { useTopic } from '@jobstream/client/react';
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
import { useToast } from './toasts.js';
import { describe, emptyUser, foldUser, type Activity, type UserEvent, type UserView } from './state.js';

export interface NotificationsApi {
  readonly items: readonly Activity[];
  readonly unread: number;
  readonly isRead: (id: string) => boolean;
  readonly markRead: (id?: string) => void;
  /** The newest of the user's events folded (recommendations, runs), for the pages that show them. */
  readonly view: UserView;
}

const none: NotificationsApi = {
  items: [],
  unread: 0,
  isRead: () => true,
  markRead: () => undefined,
  view: emptyUser,
};
const Context = createContext<NotificationsApi>(none);
export const useNotifications = () => useContext(Context);

export function NotificationsProvider({
  userId,
  children,
}: {
  userId: string | undefined;
  children: ReactNode;
}) {
  return userId ? (
    <Signed key={userId} userId={userId}>
      {children}
    </Signed>
  ) : (
    <Anonymous>{children}</Anonymous>
  );
}

function Anonymous({ children }: { children: ReactNode }) {
  const system = useSystem();
  return <Feed items={system}>{children}</Feed>;
}

function Signed({ userId, children }: { userId: string; children: ReactNode }) {
  const view = useTopic(`user:${userId}`, { reducer: foldUser, initial: emptyUser });
  const system = useSystem();
  const items = useMemo(
    () => [...view.activity, ...system].sort((a, b) => (a.ts < b.ts ? 1 : -1)),
    [view.activity, system],
  );
  return (
    <Feed items={items} view={view}>
      {children}
    </Feed>
  );
}

function useSystem(): readonly Activity[] {
  return useTopic('system', {
    reducer: (list: readonly Activity[], e) => {
      const line = describe({ ...(e as UserEvent), type: 'notification' });
      return line ? [{ ...line, title: 'System notice' }, ...list].slice(0, 30) : list;
    },
    initial: [] as readonly Activity[],
  });
}

function Feed({
  items,
  view = emptyUser,
  children,
}: {
  items: readonly Activity[];
  view?: UserView;
  children: ReactNode;
}) {
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const shown = useRef(new Set<string>());
  const toast = useToast();
  // Reminders and due follow-ups on whatever page is open; browser notifications only for what
  // arrives after the page opened, and only once allowed.
  useEffect(() => {
    for (const item of items) {
      if (shown.current.has(item.id)) continue;
      shown.current.add(item.id);
      if (item.type === 'interview.reminder' || item.type === 'followup.due')
        toast(`⏰ ${item.title}: ${item.detail}`);
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden)
        new Notification(item.title, { body: item.detail, tag: item.id });
    }
  }, [items, toast]);
  const markRead = useCallback(
    (id?: string) => setRead((r) => new Set([...r, ...(id ? [id] : items.map((i) => i.id))])),
    [items],
  );
  const value = useMemo(
    () => ({
      items,
      unread: items.filter((i) => !read.has(i.id)).length,
      isRead: (id: string) => read.has(id),
      markRead,
      view,
    }),
    [items, read, markRead, view],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
