import { useTopic } from '@jobstream/client/react';
import { clock, seconds } from '../format.js';
import { foldScrape, latestBySource, type ScrapeRun } from '../state.js';

/** The latest scrape of each source, from `scrapes` (its history replayed, then live). */
export function ScrapesPanel() {
  // From the start of the topic's history: the runs of the last hour show at once, then live ones.
  const runs = useTopic('scrapes', { reducer: foldScrape, initial: [] as readonly ScrapeRun[], since: 0 });
  const latest = latestBySource(runs);
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
    </section>
  );
}
