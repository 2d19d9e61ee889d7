import { useClient } from '@jobstream/client/react';
import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { call } from '../api.js';
import { clock } from '../format.js';
import { message, usePolled } from '../poll.js';
import { Link } from '../router.js';
import type { Session } from '../session.js';
import { useToast } from '../toasts.js';
import { Timeline } from './Timeline.js';

const STATUSES = [
  'pending',
  'reviewing',
  'interviewing',
  'offer_received',
  'accepted',
  'rejected',
  'withdrawn',
] as const;
type Status = (typeof STATUSES)[number];
const label = (s: string) => s.replace('_', ' ');

export interface Application {
  readonly id: number;
  readonly posting_id: number;
  readonly user_id: string;
  readonly status: Status;
  readonly company: string;
  readonly job_title: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Applications by status; a card moves when `application.status_changed` arrives, or when moved here. */
export function BoardPage({ session }: { session: Session }) {
  const client = useClient();
  const toast = useToast();
  const { token } = session;
  const loaded = usePolled(
    () => call<Application[]>('/api/v1/applications?limit=100', { token }),
    token,
    30_000,
    10_000,
  );
  // Live or local changes since the last load, by id (a newer load includes them).
  const [moved, setMoved] = useState<ReadonlyMap<number, Application>>(new Map());
  useEffect(
    () =>
      client.subscribe(`user:${session.user.id}`, (e) => {
        const d = e.data as {
          application_id?: number;
          new_status?: Status;
          job_title?: string;
          company?: string;
        };
        if (e.type === 'application.status_changed' && typeof d.application_id === 'number' && d.new_status) {
          const id = d.application_id;
          const status = d.new_status;
          setMoved((m) => {
            const known = m.get(id);
            return new Map(m).set(id, { ...(known ?? ({} as Application)), id, status, updated_at: e.ts });
          });
          toast(`${d.job_title ?? 'An application'} at ${d.company ?? '?'}: ${label(status)}`);
        } else if (e.type === 'application.created') loaded.reload();
      }),
    [client, session.user.id, toast, loaded.reload],
  );

  const cards = useMemo(() => {
    const byId = new Map((loaded.data ?? []).map((a) => [a.id, a]));
    for (const [id, change] of moved) {
      const known = byId.get(id);
      if (known && change.updated_at >= known.updated_at)
        byId.set(id, { ...known, status: change.status, updated_at: change.updated_at });
    }
    return [...byId.values()];
  }, [loaded.data, moved]);

  const move = (app: Application, status: Status) => {
    if (status === app.status) return;
    call<Application>(`/api/v1/applications/${app.id}/status`, { token, method: 'PATCH', body: { status } })
      .then((next) => {
        setMoved((m) => new Map(m).set(next.id, next));
        toast(`${app.job_title}: moved to ${label(status)}`, 'good');
      })
      .catch((e: unknown) => toast(`Refused: ${message(e)}`, 'bad'));
  };
  const drop = (status: Status) => (e: DragEvent) => {
    e.preventDefault();
    const app = cards.find((c) => c.id === Number(e.dataTransfer.getData('text/plain')));
    if (app) move(app, status);
  };

  return (
    <section className="panel page" aria-labelledby="board-title">
      <h2 id="board-title">
        Applications <span className="count">{cards.length}</span>
      </h2>
      {loaded.error && <p className="error">Could not load the applications: {loaded.error}</p>}
      <div className="board" data-testid="board">
        {STATUSES.map((status) => {
          const column = cards.filter((c) => c.status === status);
          return (
            <section
              key={status}
              className="column-board"
              data-status={status}
              aria-label={label(status)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={drop(status)}
            >
              <h3>
                {label(status)} <span className="count">{column.length}</span>
              </h3>
              {column.map((app) => (
                <article
                  key={app.id}
                  className="card"
                  data-id={app.id}
                  draggable
                  onDragStart={(e) => e.dataTransfer.setData('text/plain', String(app.id))}
                >
                  <strong>
                    <Link to={`/postings/${app.posting_id}`}>{app.job_title}</Link>
                  </strong>
                  <div className="meta">
                    {app.company} · <time dateTime={app.updated_at}>{clock(app.updated_at)}</time>
                  </div>
                  <details>
                    <summary>Timeline</summary>
                    <Timeline session={session} applicationId={app.id} userId={app.user_id} />
                  </details>
                  <label className="move">
                    Move to
                    <select value={app.status} onChange={(e) => move(app, e.target.value as Status)}>
                      {STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {label(s)}
                        </option>
                      ))}
                    </select>
                  </label>
                </article>
              ))}
            </section>
          );
        })}
      </div>
    </section>
  );
}
