import { JobstreamProvider, useConnectionState, useTopic } from '@jobstream/client/react';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { api, type ServerInfo } from './api.js';
import { MatchesPanel } from './panels/Matches.js';
import { PostingsPanel } from './panels/Postings.js';
import { QueuePanel } from './panels/Queue.js';
import { ScrapesPanel } from './panels/Scrapes.js';
import { SignInForm } from './panels/SignIn.js';
import { UserPanel } from './panels/User.js';
import { useSession, type SessionApi } from './session.js';
import { emptyQueue, foldQueue, mergeQueue, type QueueView } from './state.js';

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
      <Dashboard sessionApi={sessionApi} info={info} />
    </JobstreamProvider>
  );
}

function Dashboard({ sessionApi, info }: { sessionApi: SessionApi; info: ServerInfo | undefined }) {
  const { session, signIn, signOut } = sessionApi;
  const connection = useConnectionState();
  const queue = useQueue(session?.token);
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  const runId = /^#matches\/([\w-]+)$/.exec(hash)?.[1];
  const run = queue.runs.find((j) => j.id === runId);

  // Credentials the server refuses (expired, or signed by another secret): sign in again.
  const refused = connection.state === 'closed' && connection.reason?.kind === 'auth';
  useEffect(() => {
    if (refused && session) void signOut();
  }, [refused, session, signOut]);

  return (
    <>
      <header className="top">
        <h1>
          Jobstream <span className="meta">{info ? `${info.version}${info.demo ? ' · demo' : ''}` : ''}</span>
        </h1>
        <ConnectionBadge />
        {session && (
          <div className="who">
            <span>
              {session.user.email} <span className="meta">({session.user.role})</span>
            </span>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="grid">
        <div className="column">
          <PostingsPanel />
        </div>
        <div className="column">
          <ScrapesPanel />
          <QueuePanel queue={queue} canOpenRuns={session !== undefined} />
        </div>
        <div className="column">
          {runId && (
            <MatchesPanel workId={runId} token={session?.token} status={run?.status} onClose={closeRun} />
          )}
          {session ? (
            <UserPanel session={session} runs={queue.runs} />
          ) : (
            <SignInForm signIn={signIn} demo={info?.demo === true} />
          )}
        </div>
      </main>
      <footer className="meta">
        API: <a href="/docs">/docs</a> (REST) · <a href="/asyncapi.json">/asyncapi.json</a> (WebSocket) ·{' '}
        <a href="/api/v1/stats">/api/v1/stats</a> · <a href="/health">/health</a>
      </footer>
    </>
  );
}

function closeRun(): void {
  history.replaceState(null, '', window.location.pathname + window.location.search);
  window.dispatchEvent(new Event('jobstream:hash'));
}

function subscribeHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  // replaceState fires neither: closeRun announces it itself.
  window.addEventListener('jobstream:hash', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('jobstream:hash', onChange);
  };
}

/** Queue statistics and recent work: a REST load with `queue` events folded on top. */
function useQueue(token: string | undefined): QueueView {
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<QueueView>(emptyQueue);
  const live = useTopic('queue', {
    reducer: foldQueue,
    initial: emptyQueue,
    onReset: () => setReloads((n) => n + 1),
  });
  useEffect(() => {
    let current = true;
    Promise.all([api.queueStats(), api.workJobs(token), token ? api.workJobs(token, 'matching') : []])
      .then(([stats, jobs, runs]) => current && setLoaded(mergeQueue(emptyQueue, stats, [...jobs, ...runs])))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [token, reloads]);
  return mergeQueue(live, loaded.stats?.value, [...loaded.jobs, ...loaded.runs], loaded.stats?.at);
}

function ConnectionBadge() {
  const { state, transport, reason } = useConnectionState();
  const words: Record<typeof state, string> = {
    connecting: 'connecting…',
    open: `live${transport ? ` (${transport})` : ''}`,
    reconnecting: `reconnecting${reason?.delayMs ? ` in ${Math.ceil(reason.delayMs / 1000)} s` : '…'}`,
    closed: `disconnected${reason ? `: ${reason.message}` : ''}`,
  };
  return (
    <p className={`connection ${state}`} role="status" data-testid="connection" data-state={state}>
      <span className="dot" aria-hidden="true" /> {words[state]}
    </p>
  );
}
