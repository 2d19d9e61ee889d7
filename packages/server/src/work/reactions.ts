import { EventTypes, topics } from '@jobstream/protocol';
import type { Logger } from '../logger.js';
import type { Analyses } from './analysis/analyses.js';
import type { QueueStatsPublisher } from './queue-stats.js';
import type { Recommendations } from './recommendations.js';

/** A committed canonical event, as the outbox relay publishes it. */
export interface CommittedEvent {
  readonly topic: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The background work that committed events call for: a new posting is analysed for the seekers it
 * fits; new or changed postings, and a changed profile, refresh recommendations; any `work.*` event
 * (from this process or a worker's) makes `queue.stats` look at the queue again. It is fed by the
 * outbox relay, after each event is published: in a cluster exactly one node relays a given event, so
 * the work is queued once, not once per node.
 */
export function workReactions(deps: {
  analyses: Analyses;
  recommendations: Recommendations;
  queueStats: QueueStatsPublisher;
  logger: Logger;
}): (event: CommittedEvent) => void {
  const { analyses, recommendations, queueStats, logger } = deps;
  const failed =
    (what: string) =>
    (error: unknown): void => {
      logger.error({ err: error }, `could not queue ${what}`);
    };
  return (event) => {
    // One look per transition: its event goes to several topics, the queue's copy is the one counted.
    if (event.topic === topics.queue && event.type.startsWith('work.')) queueStats.touch();
    switch (event.type) {
      case EventTypes.postingCreated: {
        const id = (event.data as { posting?: { id?: unknown } }).posting?.id;
        if (typeof id === 'number') analyses.forNewPosting(id).catch(failed(`analyses of posting ${id}`));
        recommendations.postingsChanged(failed('recommendations'));
        return;
      }
      case EventTypes.postingUpdated:
        recommendations.postingsChanged(failed('recommendations'));
        return;
      case EventTypes.profileUpdated: {
        const userId = (event.data as { profile?: { user_id?: unknown } }).profile?.user_id;
        if (typeof userId === 'string') recommendations.refresh(userId).catch(failed('recommendations'));
        return;
      }
    }
  };
}
