import { useTopic } from '@jobstream/client/react';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api.js';
import { clock } from '../format.js';
import { foldPosting, mergePostings, putPosting, type FeedPosting, type PostingFeed } from '../state.js';

/** The newest postings: a REST page, with `posting.*` events folded on top as they come. */
export function PostingsPanel() {
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<PostingFeed>([]);
  const [error, setError] = useState<string>();
  const live = useTopic('postings', {
    reducer: foldPosting,
    initial: [] as PostingFeed,
    onReset: () => setReloads((n) => n + 1),
  });
  useEffect(() => {
    let current = true;
    api
      .postings()
      .then((items) => {
        if (!current) return;
        setLoaded(mergePostings([], items));
        setError(undefined);
      })
      .catch((e: unknown) => current && setError(String(e)));
    return () => {
      current = false;
    };
  }, [reloads]);
  const feed = useMemo(() => live.reduce(putPosting, loaded), [loaded, live]);

  return (
    <section className="panel postings" aria-labelledby="postings-title">
      <h2 id="postings-title">
        Postings <span className="count">{feed.length}</span>
      </h2>
      {error && <p className="error">Could not load postings: {error}</p>}
      {feed.length === 0 ? (
        <p className="empty">No postings yet. They appear here the moment they are created or scraped.</p>
      ) : (
        <ol className="feed" data-testid="postings">
          {feed.map((item) => (
            <PostingItem key={item.posting.id} item={item} />
          ))}
        </ol>
      )}
    </section>
  );
}

function PostingItem({ item }: { item: FeedPosting }) {
  const { posting, live } = item;
  const skills = posting.skills_required.slice(0, 6);
  return (
    <li className={live ? `posting fresh ${live.kind}` : 'posting'}>
      <div className="line">
        <strong className="title">
          <a href={`#/postings/${posting.id}`}>{posting.job_title}</a>
        </strong>
        {live && (
          <span className={`badge ${live.kind}`}>
            {live.kind === 'created'
              ? 'new'
              : `updated${live.changes.length ? `: ${live.changes.join(', ')}` : ''}`}
          </span>
        )}
        {!posting.is_active && <span className="badge inactive">closed</span>}
      </div>
      <div className="meta">
        {posting.company}
        {posting.location ? ` · ${posting.location}` : ''} · {posting.source} ·{' '}
        <time dateTime={posting.created_at}>{clock(posting.created_at)}</time>
      </div>
      {skills.length > 0 && (
        <ul className="skills" aria-label="skills">
          {skills.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
