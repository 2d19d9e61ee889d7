import { useTopic } from '@jobstream/client/react';
import { useState } from 'react';
import { api } from './api.js';
import { usePolled } from './poll.js';
import { emptyQueue, foldQueue, mergeQueue, type QueueView } from './state.js';

/**
 * Queue statistics and recent work: a REST load (again every 30 s while live, 10 s while not, and
 * when the topic cannot be resumed) with `queue` events folded on top.
 */
export function useQueue(token: string | undefined): QueueView {
  const [reloads, setReloads] = useState(0);
  const live = useTopic('queue', {
    reducer: foldQueue,
    initial: emptyQueue,
    onReset: () => setReloads((n) => n + 1),
  });
  const loaded =
    usePolled(
      () =>
        Promise.all([
          api.queueStats(),
          api.workJobs(token),
          token ? api.workJobs(token, 'matching') : [],
        ]).then(([stats, jobs, runs]) => mergeQueue(emptyQueue, stats, [...jobs, ...runs])),
      `${token ?? ''}:${reloads}`,
      30_000,
      10_000,
    ).data ?? emptyQueue;
  return mergeQueue(live, loaded.stats?.value, [...loaded.jobs, ...loaded.runs], loaded.stats?.at);
}
