import { useTopic } from '@jobstream/client/react';
import { useEffect } from 'react';
import type { Source } from '@jobstream/protocol';
import { call } from '../api.js';
import { clock, seconds } from '../format.js';
import { usePolled } from '../poll.js';
import { foldScrape, latestBySource, type ScrapeRun } from '../state.js';

/** The latest scrape of each source, from `scrapes` (its history replayed, then live). */
export function ScrapesPanel() {
  // From the start of the topic's history: the runs of the last hour show at once, then live ones.
  const runs = useTopic('scrapes', { reducer: foldScrape, initial: [] as readonly ScrapeRun[], since: 0 });
  const latest = latestBySource(runs);
  // A source whose last scrape failed says why (a source left from an earlier --demo run, say).
  const sources = usePolled(
    () => call<{ items: Source[] }>('/api/v1/sources').then((r) => r.items),
    '',
    30_000,
    10_000,
  );
  // Each finished scrape may have changed a source's last_status: ask again then, not only on the timer.
  const done = runs.filter((r) => r.completed).length;
  const { reload } = sources;
  useEffect(() => reload(), [done, reload]);
  const failing = (sources.data ?? []).filter((s) => s.last_status === 'error' && s.last_error);
  return (
    <section className="panel scrapes" aria-labelledby="scrapes-title">
      <h2 id="scrapes-title">
        Scrapes <span className="count">{runs.length}</span>
      </h2>
      {latest.length === 0 ? (
        <p className="empty">No scrape in the last hour.</p>
      ) : (
        <table data-testid="scrapes">
          <thead>
            <tr>
              <th scope="col">source</th>
              <th scope="col" className="num">
                found
              </th>
              <th scope="col" className="num">
                new
              </th>
              <th scope="col" className="num">
                updated
              </th>
              <th scope="col" className="num">
                errors
              </th>
              <th scope="col">last</th>
            </tr>
          </thead>
          <tbody>
            {latest.map((run) => (
              <tr key={`${run.source}@${run.started_at}`} className="fresh">
                <th scope="row">{run.source}</th>
                <td className="num">{run.completed?.jobs_found ?? '–'}</td>
                <td className="num">{run.completed?.new_jobs ?? '–'}</td>
                <td className="num">{run.completed?.updated_jobs ?? '–'}</td>
                <td className={run.completed?.errors ? 'num bad' : 'num'}>{run.completed?.errors ?? '–'}</td>
                <td>
                  {run.completed ? (
                    <time
                      dateTime={run.completed.at}
                      title={`took ${seconds(run.completed.duration_seconds)}`}
                    >
                      {clock(run.completed.at)}
                    </time>
                  ) : (
                    'running…'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failing.length > 0 && (
        <ul className="errors" data-testid="source-errors">
          {failing.map((s) => (
            <li key={s.id} className="error">
              <strong>{s.name}</strong>: {s.last_error}
              {s.last_run_at && <span className="meta"> ({clock(s.last_run_at)})</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
