import { useTopic } from '@jobstream/client/react';
import type { WorkJob } from '@jobstream/protocol';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api.js';
import { clock } from '../format.js';
import type { Session } from '../session.js';
import { emptyUser, foldUser, type Recommendation } from '../state.js';

/** The signed-in user's own events (`user:{id}`), recommendations and matching runs. */
export function UserPanel({ session, runs }: { session: Session; runs: readonly WorkJob[] }) {
  const { user, token } = session;
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<readonly Recommendation[]>();
  const [pastRuns, setPastRuns] = useState<readonly WorkJob[]>([]);
  const view = useTopic(`user:${user.id}`, {
    // The wire carries types the SDK's map does not name yet (recommendations.*): read as strings.
    reducer: foldUser,
    initial: emptyUser,
    onReset: () => setReloads((n) => n + 1),
  });
  useEffect(() => {
    let current = true;
    if (user.role === 'job_seeker') {
      api
        .recommendations(token)
        .then((items) => current && setLoaded(items))
        .catch(() => undefined);
    }
    api
      .workJobs(token, 'matching')
      .then((items) => current && setPastRuns(items.filter((j) => j.owner === user.id)))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [token, user.id, user.role, reloads]);

  const recommendations = view.recommendations ?? loaded ?? [];
  const myRuns = useMemo(() => {
    const byId = new Map(pastRuns.map((r) => [r.id, r]));
    for (const run of runs) if (run.owner === user.id) byId.set(run.id, run);
    return [...byId.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, 5);
  }, [pastRuns, runs, user.id]);

  return (
    <section className="panel user" aria-labelledby="user-title">
      <h2 id="user-title">For {user.name || user.email}</h2>
      <h3>Recommendations</h3>
      {recommendations.length === 0 ? (
        <p className="empty">None yet: they come as postings that fit your profile arrive.</p>
      ) : (
        <ol className="recommendations" data-testid="recommendations">
          {recommendations.map((r) => (
            <li key={r.job_id}>
              <span className="score" aria-label={`score ${r.score}`}>
                {Math.round(r.score)}
              </span>{' '}
              {r.job_title} <span className="meta">at {r.company}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>Matching runs</h3>
      {myRuns.length === 0 ? (
        <p className="empty">No matching run of yours yet.</p>
      ) : (
        <ul className="runs">
          {myRuns.map((run) => (
            <li key={run.id}>
              <a href={`#matches/${run.id}`}>Matches of the run of {clock(run.created_at)}</a>{' '}
              <span className={`status ${run.status}`}>{run.status}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Your events</h3>
      {view.activity.length === 0 ? (
        <p className="empty">Analyses, recommendations, reminders and notifications appear here live.</p>
      ) : (
        <ol className="feed activity" data-testid="activity" aria-live="polite">
          {view.activity.map((a) => (
            <li key={a.id} className={`fresh ${a.type.replace(/\W/g, '-')}`}>
              <div className="line">
                <strong>{a.title}</strong>
                <time dateTime={a.ts}>{clock(a.ts)}</time>
              </div>
              {a.detail && <div className="meta">{a.detail}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
