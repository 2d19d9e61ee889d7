import type { MatchingEvent } from '@jobstream/protocol';

/** Where a run's events go (the caller's outbox and hub, say). */
export interface MatchingPublisher {
  /** Resolves once the event is kept; a rejection fails the run. */
  publish(event: MatchingEvent): Promise<void>;
}

/**
 * Broadcasts nothing: the document's `NullMatchingJobEventPublisher`, for runs where nobody watches.
 * The run itself is unchanged.
 */
export const nullPublisher: MatchingPublisher = {
  publish: () => Promise.resolve(),
};

/** A publisher that keeps every event in order, for tests. */
export interface CollectingPublisher extends MatchingPublisher {
  readonly events: MatchingEvent[];
}

/** A new {@link CollectingPublisher}, empty. */
export function collectingPublisher(): CollectingPublisher {
  const events: MatchingEvent[] = [];
  return {
    events,
    publish(event) {
      events.push(event);
      return Promise.resolve();
    },
  };
}
