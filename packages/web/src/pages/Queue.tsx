import { useClient } from '@jobstream/client/react';
import type { WorkJob } from '@jobstream/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { call } from '../api.js';
import { clock } from '../format.js';
import { message, usePolled } from '../poll.js';
import { Link, navigate, useLocation } from '../router.js';
import type { Session } from '../session.js';
import { putJobs } from '../state.js';
import { useToast } from '../toasts.js';

const KINDS = ['', 'analysis', 'matching', 'scrape', 'recommendations'];
const STATUSES = ['', 'queued', 'running', 'complete', 'failed', 'cancelled'];
/** Work jobs the page keeps. */
const KEPT = 200;

/** Every work job, live: the shared `queue` and the user's own `user:{id}` (their work whole). */
export function QueuePage({ session }: { session: Session | undefined }) {
  const { query } = useLocation();
  const kind = query.get('kind') ?? '';
  const status = query.get('status') ?? '';
  const token = session?.token;
  const client = useClient();
  const toast = useToast();
  const [live, setLive] = useState<readonly WorkJob[]>([]);
  const toasted = useRef(new Set<string>());

  // job-queue.md: every 30 s while live, every 5 s while disconnected.
  const loaded = usePolled(
    () => call<{ items: WorkJob[] }>(`/api/v1/queue/jobs?limit=100`, { token }).then((r) => r.items),
    token ?? '',
    30_000,
    5000,
  );

  useEffect(() => {
    const onWork = (e: { type: string; data: unknown }) => {
      if (!e.type.startsWith('work.')) return;
      const job = e.data as WorkJob;
      setLive((jobs) => putJobs(jobs, [job], KEPT));
      const key = `${job.id}:${job.status}`;
      if ((job.status === 'complete' || job.status === 'failed') && !toasted.current.has(key)) {
        toasted.current.add(key);
        const what = `${job.kind} ${job.id.slice(0, 8)}`;
        if (job.status === 'complete') toast(`${what} completed`, 'good');
        else toast(`${what} failed${job.error_message ? `: ${job.error_message}` : ''}`, 'bad');
      }
    };
    const offs = [client.subscribe('queue', onWork)];
    if (session) offs.push(client.subscribe(`user:${session.user.id}`, onWork));
    return () => offs.forEach((off) => off());
  }, [client, session, toast]);

  const jobs = useMemo(() => putJobs(loaded.data ?? [], live, KEPT), [loaded.data, live]);
  const shown = jobs.filter((j) => (!kind || j.kind === kind) && (!status || j.status === status));

  const act = (job: WorkJob, action: 'cancel' | 'retry') =>
    void call<WorkJob>(`/api/v1/queue/jobs/${job.id}/${action}`, { token, body: {} })
      .then((next) => {
        setLive((list) => putJobs(list, [next], KEPT));
        toast(`${job.kind} ${job.id.slice(0, 8)}: ${action === 'cancel' ? 'cancelled' : 'queued again'}`);
      })
      .catch((e: unknown) => toast(`Could not ${action}: ${message(e)}`, 'bad'));

  const filter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    const q = next.toString();
    navigate(`/queue${q ? `?${q}` : ''}`);
  };

  return (
    <section className="panel page" aria-labelledby="queue-title">
      <div className="line">
        <h2 id="queue-title">
          Work queue <span className="count">{shown.length}</span>
        </h2>
        <div className="filters">
          <label>
            Kind
            <select value={kind} onChange={(e) => filter('kind', e.target.value)} name="kind">
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k || 'any'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => filter('status', e.target.value)} name="status">
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s || 'any'}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {loaded.error && <p className="error">Could not load the queue: {loaded.error}</p>}
      {shown.length === 0 ? (
        <p className="empty">No work {kind || status ? 'of this kind and status ' : ''}yet.</p>
      ) : (
        <ul className="jobs" data-testid="jobs">
          {shown.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              canAct={session !== undefined && job.redacted !== true}
              act={act}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function JobRow({
  job,
  canAct,
  act,
}: {
  job: WorkJob;
  canAct: boolean;
  act: (job: WorkJob, action: 'cancel' | 'retry') => void;
}) {
  const open = job.status === 'queued' || job.status === 'running';
  const again = job.status === 'failed' || job.status === 'cancelled';
  return (
    <li className="job" data-id={job.id}>
      <div className="job-head">
        <Link to={`/work/${job.id}`}>{job.kind}</Link> <code className="meta">{job.id.slice(0, 8)}</code>
        <span className={`status ${job.status}`}>{job.status}</span>
        {job.phase && <span className="meta">{job.phase}</span>}
        <time className="meta" dateTime={job.updated_at}>
          {clock(job.updated_at)}
        </time>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={job.progress}
        aria-label={`${job.kind} ${job.status}, ${job.progress}%`}
      >
        <span style={{ width: `${Math.max(0, Math.min(100, job.progress))}%` }} />
      </div>
      {job.error_message && <p className="error">{job.error_message}</p>}
      {canAct && (open || again) && (
        <div className="actions">
          {open && (
            <button type="button" onClick={() => act(job, 'cancel')}>
              Cancel
            </button>
          )}
          {again && (
            <button type="button" onClick={() => act(job, 'retry')}>
              Retry
            </button>
          )}
        </div>
      )}
    </li>
  );
}
