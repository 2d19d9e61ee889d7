import type { ReactNode } from 'react';
import { call } from '../api.js';
import { usePolled } from '../poll.js';
import { PostingsPanel } from '../panels/Postings.js';
import { QueuePanel } from '../panels/Queue.js';
import { ScrapesPanel } from '../panels/Scrapes.js';
import { UserPanel } from '../panels/User.js';
import type { Session } from '../session.js';
import { useQueue } from '../use-queue.js';

/** GET /api/v1/stats */
export interface ServerStats {
  readonly connections: { readonly total: number; readonly by_endpoint: Record<string, number> };
  readonly topics: { readonly subscribed: number; readonly known: number };
  readonly subscriptions: number;
  readonly events: { readonly published: number; readonly delivered: number; readonly in_history: number };
  readonly workers?: { readonly alive: number; readonly concurrency: number; readonly running: number };
  readonly process: { readonly rss_bytes: number; readonly uptime_s: number };
}

/** Live statistics, recent work and postings; signed out, the sign-in form. */
export function HomePage({ session, signIn }: { session: Session | undefined; signIn: ReactNode }) {
  const queue = useQueue(session?.token);
  // job-queue.md: every 30 s while live, every 10 s while disconnected.
  const stats = usePolled(() => call<ServerStats>('/api/v1/stats'), '', 30_000, 10_000);
  const s = stats.data;
  // The newest 100 postings: those created since midnight (local time) among them.
  const today = usePolled(
    () =>
      call<{ items: { created_at: string }[] }>('/api/v1/jobs?limit=100').then((r) => {
        const midnight = new Date().setHours(0, 0, 0, 0);
        const n = r.items.filter((p) => new Date(p.created_at).getTime() >= midnight).length;
        return n === 100 ? '100+' : n;
      }),
    '',
    30_000,
    10_000,
  );
  return (
    <div className="grid">
      <div className="column">
        <section className="panel" aria-labelledby="server-title">
          <h2 id="server-title">Server</h2>
          {stats.error && <p className="error">Could not load the statistics: {stats.error}</p>}
          <dl className="stats" data-testid="server-stats">
            <Stat label="postings today" value={today.data ?? '–'} />
            <Stat label="open connections" value={num(s?.connections.total)} />
            <Stat label="topics" value={num(s?.topics.known)} />
            <Stat label="subscriptions" value={num(s?.subscriptions)} />
            <Stat label="events published" value={num(s?.events.published)} />
            <Stat label="events delivered" value={num(s?.events.delivered)} />
            <Stat
              label="workers (running / slots)"
              value={
                s?.workers ? `${s.workers.alive} (${s.workers.running} / ${s.workers.concurrency})` : '–'
              }
            />
          </dl>
        </section>
        <QueuePanel queue={queue} canOpenRuns={session !== undefined} />
        <ScrapesPanel />
      </div>
      <div className="column">
        <PostingsPanel />
      </div>
      <div className="column">{session ? <UserPanel session={session} runs={queue.runs} /> : signIn}</div>
    </div>
  );
}

const num = (v: unknown) => (typeof v === 'number' ? v : '–');

export function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
