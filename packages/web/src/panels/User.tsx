import { useTopic } from '@jobstream/client/react';
import type { WorkJob } from '@jobstream/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { clock } from '../format.js';
import type { Session } from '../session.js';
import { emptyUser, foldUser, mergeRuns, shownRecommendations, type Recommendations } from '../state.js';
import { PushButton } from '../web-push.js';

/** The signed-in user's own events (`user:{id}`), recommendations and matching runs (REST and live). */
export function UserPanel({ session, runs }: { session: Session; runs: readonly WorkJob[] }) {
  const { user, token } = session;
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<Recommendations>();
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
        .then((found) => current && setLoaded(found))
        .catch(() => undefined);
    }
    return () => {
      current = false;
    };
  }, [token, user.role, reloads]);

  const recommendations = shownRecommendations(loaded, view.recommendations)?.items ?? [];
  const myRuns = mergeRuns(
    runs.filter((r) => r.owner === user.id),
    view.runs,
  ).slice(0, 5);

  return (
    <section className="panel user" aria-labelledby="user-title">
      <h2 id="user-title">For {user.name || user.email}</h2>
      <PushButton token={token} />
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
              <a href={`#/work/${run.id}`}>Matches of the run of {clock(run.created_at)}</a>{' '}
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
              <strong>{a.title}</strong>
              <div className="meta">
                <time dateTime={a.ts}>{clock(a.ts)}</time>
                {a.detail && ` · ${a.detail}`}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
