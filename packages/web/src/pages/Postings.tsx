import { useTopic } from '@jobstream/client/react';
import type { Posting } from '@jobstream/protocol';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { call } from '../api.js';
import { clock } from '../format.js';
import { message } from '../poll.js';
import { Link, navigate, useLocation } from '../router.js';
import { salary, ScoreBadge, useScores } from '../scores.js';
import type { Session } from '../session.js';
import { foldPosting, mergePostings, putPosting, type FeedPosting, type PostingFeed } from '../state.js';

const FILTERS = ['q', 'company', 'source', 'skill'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** Whether a posting that arrived live fits the filters (as the server's search would, roughly). */
function fits(p: Posting, f: Filters): boolean {
  const has = (a: string, b: string) => a.toLowerCase().includes(b.toLowerCase());
  if (f.q && !has(`${p.job_title} ${p.company} ${p.job_description}`, f.q)) return false;
  if (f.company && !has(p.company, f.company)) return false;
  if (f.source && p.source !== f.source) return false;
  if (f.skill && !p.skills_required.some((s) => s.toLowerCase() === f.skill.toLowerCase())) return false;
  return true;
}

/** The live feed of postings, searchable; each opens its detail. */
export function PostingsPage({ session }: { session: Session | undefined }) {
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Filters;
  const key = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  const [loaded, setLoaded] = useState<PostingFeed>([]);
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);
  const live = useTopic('postings', {
    reducer: foldPosting,
    initial: [] as PostingFeed,
    onReset: () => setReloads((n) => n + 1),
  });
  const scores = useScores(session);
  useEffect(() => {
    let current = true;
    call<{ items: Posting[] }>(`/api/v1/jobs?limit=30${key ? `&${key}` : ''}`)
      .then((r) => current && (setLoaded(mergePostings([], r.items)), setError(undefined)))
      .catch((e: unknown) => current && setError(message(e)));
    return () => {
      current = false;
    };
  }, [key, reloads]);
  const feed = useMemo(
    () => live.filter((i) => fits(i.posting, filters)).reduce(putPosting, loaded),
    // `key` stands for the filters (a new object each render).
    [loaded, live, key],
  );

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of FILTERS) {
      const got = form.get(k);
      const v = typeof got === 'string' ? got.trim() : '';
      if (v) next.set(k, v);
    }
    navigate(`/postings${next.size ? `?${next}` : ''}`);
  };

  return (
    <section className="panel page" aria-labelledby="postings-page-title">
      <h2 id="postings-page-title">
        Postings <span className="count">{feed.length}</span>
      </h2>
      <form className="filters wide" onSubmit={submit} key={key}>
        <label>
          Search
          <input name="q" type="search" defaultValue={filters.q} placeholder="title, company, text" />
        </label>
        <label>
          Company
          <input name="company" defaultValue={filters.company} />
        </label>
        <label>
          Source
          <input name="source" defaultValue={filters.source} />
        </label>
        <label>
          Skill
          <input name="skill" defaultValue={filters.skill} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && <p className="error">Could not load postings: {error}</p>}
      {feed.length === 0 ? (
        <p className="empty">No postings {key ? 'match these filters ' : ''}yet.</p>
      ) : (
        <ol className="feed" data-testid="posting-list">
          {feed.map((item) => (
            <Row key={item.posting.id} item={item} score={scores.get(item.posting.id)} />
          ))}
        </ol>
      )}
    </section>
  );
}

function Row({ item, score }: { item: FeedPosting; score: number | undefined }) {
  const { posting: p, live } = item;
  const pay = salary(p.salary_min, p.salary_max);
  return (
    <li className={live ? 'posting fresh' : 'posting'}>
      <div className="line">
        <strong className="title">
          <Link to={`/postings/${p.id}`}>{p.job_title}</Link>
        </strong>
        <ScoreBadge score={score} />
        {live?.kind === 'created' && <span className="badge created">new</span>}
        {!p.is_active && <span className="badge inactive">closed</span>}
      </div>
      <div className="meta">
        {p.company}
        {p.location ? ` · ${p.location}` : ''}
        {pay ? ` · ${pay}` : ''} · {p.source} · <time dateTime={p.created_at}>{clock(p.created_at)}</time>
      </div>
      {p.skills_required.length > 0 && (
        <ul className="skills" aria-label="skills">
          {p.skills_required.slice(0, 8).map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
