import { useTopic } from '@jobstream/client/react';
import type { Posting, WorkJob } from '@jobstream/protocol';
import { useEffect, useState } from 'react';
import { call } from '../api.js';
import { message } from '../poll.js';
import { Link } from '../router.js';
import { salary, ScoreBadge } from '../scores.js';
import type { Session } from '../session.js';
import { useToast } from '../toasts.js';

/** What an analysis work job's result holds (the server's AnalysisResult). */
interface Analysis {
  readonly match_score: number;
  readonly recommendation: 'apply_now' | 'consider' | 'skip';
  readonly strengths: readonly string[];
  readonly concerns: readonly string[];
  readonly skill_gap: {
    readonly overall_match: number;
    readonly matching_skills: readonly string[];
    readonly missing_skills: readonly { skill: string; importance: 'high' | 'medium' | 'low' }[];
  };
}

const ADVICE = { apply_now: 'Apply now', consider: 'Worth considering', skip: 'Probably skip' } as const;
// The analysis names what is missing and how much it matters; how to learn it is ours to suggest.
const LEARN = {
  high: (s: string) =>
    `Core to this role: build a small project with ${s} and mention it in your application.`,
  medium: (s: string) => `Work through ${s}'s official getting-started guide and tutorial.`,
  low: (s: string) => `A nice-to-have: skim an introduction to ${s} so you can talk about it.`,
};

/** One posting: its details, the seeker's analysis of it (asked for on opening), and Apply. */
export function PostingDetail({ id, session }: { id: string; session: Session | undefined }) {
  const [posting, setPosting] = useState<Posting>();
  const [error, setError] = useState<string>();
  const [workId, setWorkId] = useState<string>();
  const [applied, setApplied] = useState(false);
  const toast = useToast();
  const seeker = session?.user.role === 'job_seeker';
  useEffect(() => {
    let current = true;
    call<Posting>(`/api/v1/jobs/${encodeURIComponent(id)}`)
      .then((p) => current && setPosting(p))
      .catch((e: unknown) => current && setError(message(e)));
    if (seeker)
      call<{ job_id: string }>(`/api/v1/jobs/${encodeURIComponent(id)}/analyze`, {
        token: session.token,
        body: {},
      })
        .then((r) => current && setWorkId(r.job_id))
        .catch((e: unknown) => current && setError(message(e)));
    return () => {
      current = false;
    };
  }, [id, seeker, session?.token]);

  const apply = () =>
    call('/api/v1/applications', { token: session?.token, body: { posting_id: Number(id) } })
      .then(() => {
        setApplied(true);
        toast(`Applied to ${posting?.job_title ?? 'the posting'}`, 'good');
      })
      .catch((e: unknown) => toast(`Could not apply: ${message(e)}`, 'bad'));

  if (error)
    return (
      <section className="panel page">
        <p className="error">{error}</p>
      </section>
    );
  if (!posting)
    return (
      <section className="panel page">
        <p className="empty">Loading…</p>
      </section>
    );
  const pay = salary(posting.salary_min, posting.salary_max);
  return (
    <div className="grid two">
      <section className="panel" aria-labelledby="posting-title">
        <p className="meta">
          <Link to="/postings">← Postings</Link>
        </p>
        <h2 id="posting-title">{posting.job_title}</h2>
        <p className="meta">
          {posting.company}
          {posting.location ? ` · ${posting.location}` : ''}
          {pay ? ` · ${pay}` : ''} · {posting.source}
          {!posting.is_active && ' · closed'}
        </p>
        {posting.skills_required.length > 0 && (
          <ul className="skills" aria-label="skills">
            {posting.skills_required.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        )}
        <p className="description">{posting.job_description}</p>
        {posting.job_url && (
          <p>
            <a href={posting.job_url} target="_blank" rel="noreferrer">
              The posting on {posting.source}
            </a>
          </p>
        )}
        {session?.user.role === 'job_seeker' && posting.is_active && (
          <button type="button" className="primary" onClick={() => void apply()} disabled={applied}>
            {applied ? 'Applied' : 'Apply'}
          </button>
        )}
        {!session && <p className="meta">Sign in as a job seeker to see your analysis and apply.</p>}
      </section>
      {workId && <AnalysisPanel workId={workId} />}
    </div>
  );
}

// Wrapped: useTopic takes an undefined `initial` for "no initial state" (a list of events).
const foldResult = (found: { result?: Analysis }, e: { type: string; data: unknown }) =>
  e.type === 'work.completed' ? { result: (e.data as WorkJob).result as Analysis } : found;

function AnalysisPanel({ workId }: { workId: string }) {
  // From the start of the run's topic: a run that finished before the subscribe still shows.
  const { result: analysis } = useTopic(`work:${workId}`, { reducer: foldResult, initial: {}, since: 0 });
  return (
    <section className="panel" aria-labelledby="analysis-title" data-testid="analysis">
      <h2 id="analysis-title">Your analysis</h2>
      {!analysis ? (
        <p className="empty">Analysing…</p>
      ) : (
        <>
          <p>
            <ScoreBadge score={analysis.match_score} /> {ADVICE[analysis.recommendation]} · skills{' '}
            {Math.round(analysis.skill_gap.overall_match)}% covered
          </p>
          <h3>Strengths</h3>
          <List items={analysis.strengths} empty="None found." />
          <h3>Concerns</h3>
          <List items={analysis.concerns} empty="None." />
          <h3>Skill gap</h3>
          {analysis.skill_gap.missing_skills.length === 0 ? (
            <p className="empty">You have every skill it asks for.</p>
          ) : (
            <ul className="gap">
              {analysis.skill_gap.missing_skills.map((m) => (
                <li key={m.skill}>
                  <strong>{m.skill}</strong> <span className={`badge ${m.importance}`}>{m.importance}</span>
                  <div className="meta">{LEARN[m.importance](m.skill)}</div>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function List({ items, empty }: { items: readonly string[]; empty: string }) {
  return items.length === 0 ? (
    <p className="empty">{empty}</p>
  ) : (
    <ul>
      {items.map((s) => (
        <li key={s}>{s}</li>
      ))}
    </ul>
  );
}
