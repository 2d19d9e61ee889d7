import { useEffect, useRef, useState } from 'react';
import { api, type Match } from '../api.js';

/** The ranked matches of one matching run; reloaded when the run's status changes. */
export function MatchesPanel({
  workId,
  token,
  status,
  onClose,
}: {
  workId: string;
  token: string | undefined;
  status: string | undefined;
  onClose: () => void;
}) {
  const [matches, setMatches] = useState<readonly Match[]>();
  const [error, setError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [workId]);
  useEffect(() => {
    if (!token) return;
    let current = true;
    api
      .matches(token, workId)
      .then((found) => {
        if (!current) return;
        setMatches(found);
        setError(undefined);
      })
      .catch((e: unknown) => current && setError(String(e)));
    return () => {
      current = false;
    };
  }, [workId, token, status]);

  return (
    <section className="panel matches" aria-labelledby="matches-title">
      <div className="line">
        <h2 id="matches-title" tabIndex={-1} ref={heading}>
          Matches of run <code>{workId.slice(0, 8)}</code>
          {status ? ` (${status})` : ''}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {!token ? (
        <p className="empty">Sign in as the run&apos;s owner to see its matches.</p>
      ) : error ? (
        <p className="error">Could not load the matches: {error}</p>
      ) : !matches ? (
        <p className="empty">Loading…</p>
      ) : matches.length === 0 ? (
        <p className="empty">No matches (yet).</p>
      ) : (
        <table data-testid="matches">
          <thead>
            <tr>
              <th scope="col" className="num">
                rank
              </th>
              <th scope="col">target</th>
              <th scope="col" className="num">
                score
              </th>
              <th scope="col">why</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((m) => (
              <tr key={m.match_id}>
                <td className="num">{m.rank}</td>
                <th scope="row">{m.target_name}</th>
                <td className="num">{m.score.toFixed(2)}</td>
                <td title={m.summary_reason ?? undefined}>
                  <div className="why">{m.summary_reason ?? ''}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
