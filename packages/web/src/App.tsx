import { JobstreamProvider, useConnectionState } from '@jobstream/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ServerInfo } from './api.js';
import { NotificationsProvider, useNotifications } from './notifications.js';
import { Pages } from './pages/index.js';
import { Link, useLocation } from './router.js';
import { useSession, type SessionApi } from './session.js';
import { ToastProvider } from './toasts.js';

/** The dashboard: one connection to this server's `/ws`, signed in or not. */
export function App() {
  const sessionApi = useSession();
  const { session } = sessionApi;
  const token = useRef(session?.token);
  token.current = session?.token;
  const getToken = useCallback(() => token.current, []);
  const [info, setInfo] = useState<ServerInfo>();
  useEffect(() => {
    api
      .info()
      .then(setInfo)
      .catch(() => undefined); // an older server: no version, no demo hint
  }, []);

  return (
    <JobstreamProvider
      url={window.location.origin}
      getToken={getToken}
      credentialsKey={session?.user.id ?? ''}
    >
      <ToastProvider>
        <NotificationsProvider userId={session?.user.id} role={session?.user.role} token={session?.token}>
          <Shell sessionApi={sessionApi} info={info} />
        </NotificationsProvider>
      </ToastProvider>
    </JobstreamProvider>
  );
}

const NAV: readonly { to: string; label: string; signedIn?: boolean; admin?: boolean }[] = [
  { to: '/', label: 'Home' },
  { to: '/postings', label: 'Postings' },
  { to: '/applications', label: 'Applications', signedIn: true },
  { to: '/agenda', label: 'Interviews', signedIn: true },
  { to: '/queue', label: 'Queue' },
  { to: '/admin', label: 'Admin', admin: true },
];

function Shell({ sessionApi, info }: { sessionApi: SessionApi; info: ServerInfo | undefined }) {
  const { session, signOut } = sessionApi;
  const connection = useConnectionState();
  const { path } = useLocation();
  const { unread } = useNotifications();

  // Credentials the server refuses (expired, or signed by another secret): sign in again.
  const refused = connection.state === 'closed' && connection.reason?.kind === 'auth';
  useEffect(() => {
    if (refused && session) void signOut();
  }, [refused, session, signOut]);

  const section = `/${path.split('/')[1] ?? ''}`;
  const links = NAV.filter((n) => (!n.signedIn || session) && (!n.admin || session?.user.role === 'admin'));
  return (
    <>
      <header className="top">
        <div className="brand">
          <h1>
            <Link to="/">Jobstream</Link>
          </h1>
          <span className="meta">{info ? `${info.version}${info.demo ? ' · demo' : ''}` : ''}</span>
        </div>
        <ConnectionBadge />
        <div className="who">
          <Link
            to="/notifications"
            className="bell"
            aria-current={section === '/notifications' ? 'page' : undefined}
          >
            Notifications{' '}
            <span
              className={unread ? 'unread' : 'unread none'}
              data-testid="unread"
              aria-label={`${unread} unread`}
            >
              {unread}
            </span>
          </Link>
          {session ? (
            <>
              <span className="me" title={session.user.email}>
                {session.user.name || session.user.email} <span className="meta">({session.user.role})</span>
              </span>
              <button type="button" onClick={() => void signOut()}>
                Sign out
              </button>
            </>
          ) : (
            <Link to="/signin">Sign in</Link>
          )}
        </div>
        <nav className="nav" aria-label="pages">
          {links.map((n) => (
            <Link key={n.to} to={n.to} aria-current={section === n.to ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
      </header>
      <main>
        <Pages path={path} sessionApi={sessionApi} info={info} />
      </main>
      <footer className="meta">
        API: <a href="/docs">/docs</a> (REST) · <a href="/asyncapi.json">/asyncapi.json</a> (WebSocket) ·{' '}
        <a href="/api/v1/stats">/api/v1/stats</a> · <a href="/health">/health</a>
      </footer>
    </>
  );
}

/** "live" (WebSocket or SSE), "polling" (long-poll), "reconnecting…", or why it is closed. */
function ConnectionBadge() {
  const { state, transport, reason } = useConnectionState();
  const word =
    state === 'open'
      ? transport === 'long-poll'
        ? 'polling'
        : 'live'
      : state === 'connecting'
        ? 'connecting…'
        : state === 'closed'
          ? `disconnected${reason ? `: ${reason.message}` : ''}`
          : 'reconnecting…';
  return (
    <p
      className={`connection ${state}`}
      role="status"
      data-testid="connection"
      data-state={state}
      title={transport ? `${state} over ${transport}` : state}
    >
      <span className="dot" aria-hidden="true" /> {word}
    </p>
  );
}
