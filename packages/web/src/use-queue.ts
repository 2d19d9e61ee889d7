import { useTopic } from '@jobstream/client/react';
import { useEffect, useState } from 'react';
import { api } from './api.js';
import { emptyQueue, foldQueue, mergeQueue, type QueueView } from './state.js';

/** Queue statistics and recent work: a REST load with `queue` events folded on top. */
export function useQueue(token: string | undefined): QueueView {
  const [reloads, setReloads] = useState(0);
  const [loaded, setLoaded] = useState<QueueView>(emptyQueue);
  const live = useTopic('queue', {
    reducer: foldQueue,
    initial: emptyQueue,
    onReset: () => setReloads((n) => n + 1),
  });
  useEffect(() => {
    let current = true;
    Promise.all([api.queueStats(), api.workJobs(token), token ? api.workJobs(token, 'matching') : []])
      .then(([stats, jobs, runs]) => current && setLoaded(mergeQueue(emptyQueue, stats, [...jobs, ...runs])))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [token, reloads]);
  return mergeQueue(live, loaded.stats?.value, [...loaded.jobs, ...loaded.runs], loaded.stats?.at);
}
