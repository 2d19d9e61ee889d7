// A signed-in seeker's match score per posting: their recommendations (REST), then each analysis of
// theirs as it completes (`analysis.completed` on `user:{id}`).
import { useClient } from '@jobstream/client/react';
import { useEffect, useState } from 'react';
import { api } from './api.js';
import type { Session } from './session.js';

export function useScores(session: Session | undefined): ReadonlyMap<number, number> {
  const client = useClient();
  const [scores, setScores] = useState<ReadonlyMap<number, number>>(new Map());
  useEffect(() => {
    if (!session || session.user.role !== 'job_seeker') return;
    let current = true;
    const put = (pairs: readonly (readonly [number, number])[]) =>
      current && setScores((m) => new Map([...m, ...pairs]));
    api
      .recommendations(session.token)
      .then((r) => put(r.items.map((i) => [i.job_id, i.score] as const)))
      .catch(() => undefined);
    const off = client.subscribe(`user:${session.user.id}`, (e) => {
      const d = e.data as { job_id?: unknown; match_score?: unknown };
      if (
        e.type === 'analysis.completed' &&
        typeof d.job_id === 'number' &&
        typeof d.match_score === 'number'
      )
        put([[d.job_id, d.match_score]]);
    });
    return () => {
      current = false;
      off();
    };
  }, [client, session]);
  return scores;
}

/** channels.md's badge: "Excellent match" at 80 or more. */
export function ScoreBadge({ score }: { score: number | undefined }) {
  if (score === undefined) return null;
  const rounded = Math.round(score);
  const [word, tone] =
    rounded >= 80 ? ['Excellent match', 'good'] : rounded >= 60 ? ['Good match', 'ok'] : ['Match', 'low'];
  return (
    <span className={`badge score ${tone}`} data-testid="score">
      {word} {rounded}
    </span>
  );
}

/** "€60k–€80k"-style range, in the reader's locale; undefined without either bound. */
export function salary(min: number | null, max: number | null): string | undefined {
  const f = (n: number) =>
    new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  if (min != null && max != null) return min === max ? f(min) : `${f(min)}–${f(max)}`;
  if (min != null) return `from ${f(min)}`;
  if (max != null) return `up to ${f(max)}`;
  return undefined;
}
