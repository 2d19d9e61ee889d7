import type { Broker } from '../hub/broker.js';
import { Hub, type HubOptions, type SubscribeOptions, type SubscribeResult } from '../hub/hub.js';
import type { EventSink } from '../hub/subscription.js';

/**
 * The hub, telling how many events each resume replays (the subscription's `since` up to the topic's
 * seq when it was made): once per subscribe, off the fan-out path.
 */
export class MeteredHub extends Hub {
  readonly #replayed: (events: number) => void;

  constructor(broker: Broker, options: HubOptions, replayed: (events: number) => void) {
    super(broker, options);
    this.#replayed = replayed;
  }

  override async subscribe(
    topic: string,
    sink: EventSink,
    options: SubscribeOptions = {},
  ): Promise<SubscribeResult> {
    const result = await super.subscribe(topic, sink, options);
    if (options.since !== undefined && result.recovered)
      this.#replayed(Math.max(0, result.seq - options.since));
    return result;
  }
}
