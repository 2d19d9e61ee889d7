import type { WorkJob } from '@jobstream/protocol';
import { seconds } from '../format.js';
import type { QueueView } from '../state.js';

/** Queue statistics and the recently changed work jobs; matching runs link to their matches. */
export function QueuePanel({ queue, canOpenRuns }: { queue: QueueView; canOpenRuns: boolean }) {
  const stats = queue.stats?.value;
  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Work queue</h2>
      {stats && (
        <dl className="stats" data-testid="queue-stats">
          <Stat label="pending" value={stats.pending} />
          <Stat label="running" value={stats.in_progress} />
          <Stat label="completed" value={stats.completed} />
          <Stat label="failed" value={stats.failed} />
          <Stat label="per minute" value={stats.throughput_per_min} />
          <Stat label="mean run" value={seconds(stats.mean_duration_ms / 1000)} />
        </dl>
      )}
      {queue.jobs.length === 0 ? (
        <p className="empty">No background work seen yet.</p>
      ) : (
        <table data-testid="work">
          <thead>
            <tr>
              <th scope="col">kind</th>
              <th scope="col">status</th>
              <th scope="col">phase</th>
              <th scope="col">progress</th>
            </tr>
          </thead>
          <tbody>
            {queue.jobs.map((job) => (
              <WorkRow key={job.id} job={job} canOpen={canOpenRuns} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function WorkRow({ job, canOpen }: { job: WorkJob; canOpen: boolean }) {
  return (
    <tr>
      <th scope="row">
        {job.kind === 'matching' && canOpen && job.redacted !== true ? (
          <a href={`#/work/${job.id}`}>matching</a>
        ) : (
          job.kind
        )}
      </th>
      <td className={`status ${job.status}`}>{job.status}</td>
      <td>{job.phase ?? ''}</td>
      <td>
        <progress max={100} value={job.progress} aria-label={`${job.kind} ${job.status}, ${job.progress}%`} />
      </td>
    </tr>
  );
}
