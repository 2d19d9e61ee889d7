import { CHANNELS, type ChannelName } from '@jobstream/protocol';

/**
 * How many channels connections this node holds, per channel and per user: `subscriber_count` in
 * `system.subscribed` and the numbers of `system.stats`. One per channels dialect, that is per node
 * (one process may run several nodes: the tests do).
 */
export class ChannelCounts {
  readonly #subscribers = new Map<ChannelName, number>();
  readonly #users = new Map<string, number>();
  #connections = 0;

  subscribed(channel: ChannelName): void {
    this.#subscribers.set(channel, this.subscribers(channel) + 1);
  }

  unsubscribed(channel: ChannelName): void {
    this.#subscribers.set(channel, Math.max(0, this.subscribers(channel) - 1));
  }

  subscribers(channel: ChannelName): number {
    return this.#subscribers.get(channel) ?? 0;
  }

  connected(userId: string | null): void {
    this.#connections++;
    if (userId !== null) this.#users.set(userId, (this.#users.get(userId) ?? 0) + 1);
  }

  disconnected(userId: string | null): void {
    this.#connections--;
    if (userId === null) return;
    const left = (this.#users.get(userId) ?? 1) - 1;
    if (left > 0) this.#users.set(userId, left);
    else this.#users.delete(userId);
  }

  stats(): {
    total_connections: number;
    total_users: number;
    /** Every channel, in the document's order. */
    channel_subscribers: Partial<Record<ChannelName, number>>;
  } {
    const perChannel: Partial<Record<ChannelName, number>> = {};
    for (const channel of CHANNELS) perChannel[channel] = this.subscribers(channel);
    return {
      total_connections: this.#connections,
      total_users: this.#users.size,
      channel_subscribers: perChannel,
    };
  }
}
