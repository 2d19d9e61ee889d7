import type { ServerInfo } from '../api.js';
import { SignInForm } from '../panels/SignIn.js';
import { match } from '../router.js';
import type { SessionApi } from '../session.js';
import { AdminPage } from './Admin.js';
import { AgendaPage } from './Agenda.js';
import { BoardPage } from './Board.js';
import { HomePage } from './Home.js';
import { NotificationsPage } from './Notifications.js';
import { PostingDetail } from './PostingDetail.js';
import { PostingsPage } from './Postings.js';
import { QueuePage } from './Queue.js';
import { WorkDetail } from './WorkDetail.js';

/** The page for `path`; a page that needs a signed-in user asks for it. */
export function Pages({
  path,
  sessionApi,
  info,
}: {
  path: string;
  sessionApi: SessionApi;
  info: ServerInfo | undefined;
}) {
  const { session, signIn } = sessionApi;
  const demo = info?.demo === true;
  const signInFirst = <SignInForm signIn={signIn} demo={demo} />;
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '') return <HomePage session={session} signIn={signInFirst} />;
  if (path === '/signin') return session ? <HomePage session={session} signIn={signInFirst} /> : signInFirst;
  if (path === '/queue') return <QueuePage session={session} />;
  if (path === '/postings') return <PostingsPage session={session} />;
  if ((params = match('/postings/:id', path))) return <PostingDetail id={params.id!} session={session} />;
  if ((params = match('/work/:id', path))) return <WorkDetail id={params.id!} session={session} />;
  if (path === '/notifications') return <NotificationsPage />;
  if (!session) return signInFirst;
  if (path === '/applications') return <BoardPage session={session} />;
  if (path === '/agenda') return <AgendaPage session={session} />;
  if (path === '/admin') return <AdminPage session={session} />;
  return (
    <section className="panel page">
      <h2>Not found</h2>
      <p>
        No page at <code>{path}</code>. <a href="#/">Home</a>
      </p>
    </section>
  );
}
