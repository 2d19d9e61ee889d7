import type { Logger } from './logger.js';
import type { NodeMetrics } from './metrics/node-metrics.js';
import type { RelayPublish } from './store/outbox-relay.js';
import { workReactions, type CommittedEvent } from './work/reactions.js';

/** A committed event as the relay hands it on, with the idempotency key of its outbox row. */
export type RelayedEvent = Parameters<RelayPublish>[0];

/**
 * Where the relay sends each committed event first: the hub, which gives it its sequence number and
 * hands it to the broker. `duplicate` when the key was published before (a replay after a crash).
 */
export interface RelaySink {
  publish(event: RelayedEvent): Promise<{ readonly duplicate: boolean }>;
}

/**
 * Something a committed event calls for once it is published, named for the logs. Each runs once per
 * event (a duplicate publish runs none), after the publish, and only hands work on: it never publishes
 * through the relay nor writes to the outbox itself.
 */
export interface RelayReaction {
  readonly name: string;
  react(event: CommittedEvent): void;
}

/**
 * The relay's one way out: publish to the sink, then each reaction in order. A reaction that throws is
 * logged and the others still run; the event stays published (a retry would be a duplicate anyway).
 */
export function relayTo(sink: RelaySink, reactions: readonly RelayReaction[], logger: Logger): RelayPublish {
  return async (event) => {
    const outcome = await sink.publish(event);
    if (outcome.duplicate) return outcome;
    for (const reaction of reactions) {
      try {
        reaction.react(event);
      } catch (error) {
        logger.error(
          { err: error, reaction: reaction.name, topic: event.topic, type: event.type },
          'relay reaction failed',
        );
      }
    }
    return outcome;
  };
}

/** Queues the background work an event calls for (analyses, recommendations) and re-reads the queue's counts. */
export function queueFollowUpWork(deps: Parameters<typeof workReactions>[0]): RelayReaction {
  return { name: 'queue follow-up work', react: workReactions(deps) };
}

/** A finished work job's run time goes into the metrics. */
export function observeWorkTimes(metrics: NodeMetrics): RelayReaction {
  return { name: 'observe work run times', react: (event) => metrics.relayed(event) };
}
