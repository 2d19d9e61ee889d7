import { useTopic } from '@jobstream/client/react';
import type { WorkJob } from '@jobstream/protocol';
import { call } from '../api.js';
import { clock } from '../format.js';
import { usePolled } from '../poll.js';
import { Link } from '../router.js';
import { emptyRun, foldRun, ranked, type RunView } from '../run-state.js';
import type { Session } from '../session.js';

/** One work job as it happens: a matching run's stages and candidates, a scrape's counts and errors. */
export function WorkDetail({ id, session }: { id: string; session: Session | undefined }) {
  const token = session?.token;
  const loaded = usePolled(
    () => call<WorkJob>(`/api/v1/queue/jobs/${encodeURIComponent(id)}`, { token }),
    `${id}:${token ?? ''}`,
    30_000,
    5000,
  );
  // From the start of the run's history: the stages before the page opened show too.
  const run = useTopic(`work:${id}`, { reducer: foldRun, initial: emptyRun, since: 0 });
  const job =
    run.job && loaded.data && run.job.updated_at < loaded.data.updated_at
      ? loaded.data
      : (run.job ?? loaded.data);
  return (
    <section className="panel page" aria-labelledby="work-title">
      <p className="meta">
        <Link to="/queue">← Queue</Link>
      </p>
      <h2 id="work-title">
        {job?.kind ?? 'Work'} <code>{id.slice(0, 8)}</code>{' '}
        {job && <span className={`status ${job.status}`}>{job.status}</span>}
      </h2>
      {loaded.error && !job && <p className="error">Could not load the job: {loaded.error}</p>}
      {job && (
        <p className="meta">
          {job.phase ?? ''} · {job.progress}% · created {clock(job.created_at)}
          {job.finished_at ? ` · finished ${clock(job.finished_at)}` : ''} · retries {job.retries}/
          {job.max_retries}
        </p>
      )}
      {job?.error_message && <p className="error">{job.error_message}</p>}
      {run.scrape && <Scrape scrape={run.scrape} />}
      {(job?.kind === 'matching' || run.criteria.length > 0) && <Matching run={run} />}
    </section>
  );
}

function Scrape({ scrape }: { scrape: NonNullable<RunView['scrape']> }) {
  return (
    <>
      <h3>Scrape of {scrape.source}</h3>
      <dl className="stats">
        {(['jobs_found', 'new_jobs', 'updated_jobs', 'errors'] as const).map((k) => (
          <div key={k}>
            <dt>{k.replace('_', ' ')}</dt>
            <dd className={k === 'errors' && scrape.errors ? 'bad' : ''}>{scrape[k] ?? '–'}</dd>
          </div>
        ))}
      </dl>
      {scrape.error_messages && scrape.error_messages.length > 0 && (
        <ul className="errors" data-testid="scrape-errors">
          {scrape.error_messages.map((m, i) => (
            <li key={i} className="error">
              {m}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Matching({ run }: { run: RunView }) {
  const label = (id: string) => run.criteria.find((c) => c.id === id)?.label ?? id;
  return (
    <>
      <h3>Criteria</h3>
      {run.criteria.length === 0 ? (
        <p className="empty">Preparing…</p>
      ) : (
        <ul>
          {run.criteria.map((c) => (
            <li key={c.id}>
              {c.label}{' '}
              <span className="meta">
                {run.snippets.find((s) => s.criterion_id === c.id)?.snippet_count ?? '…'} source snippets
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Candidates</h3>
      {run.targets.length === 0 ? (
        <p className="empty">Searching the targets…</p>
      ) : (
        <ol className="feed" data-testid="candidates">
          {ranked(run.targets).map((t) => (
            <li key={t.target_id} className="fresh">
              <div className="line">
                <strong>
                  {t.rank !== undefined ? `#${t.rank} ` : ''}
                  {t.target_name}
                </strong>
                {t.candidate && <span className="score">{t.candidate.score.toFixed(2)}</span>}
              </div>
              <div className="meta">
                {t.total_hits ?? '…'} search hits
                {t.hits &&
                  t.hits.length > 0 &&
                  ` (${t.hits.map((h) => `${label(h.criterion_id)}: ${h.hit_count}`).join(', ')})`}
                {t.average_score !== undefined && ` · evaluated ${t.average_score.toFixed(2)}`}
              </div>
              {t.evaluations && (
                <ul className="evaluations">
                  {t.evaluations.map((ev) => (
                    <li key={ev.criterion_id}>
                      {ev.criterion_label}: <strong>{String(ev.rating)}</strong>{' '}
                      <span className="meta">{ev.reason}</span>
                    </li>
                  ))}
                </ul>
              )}
              {t.candidate?.summary_reason && !t.evaluations && (
                <div className="why">{t.candidate.summary_reason}</div>
              )}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
