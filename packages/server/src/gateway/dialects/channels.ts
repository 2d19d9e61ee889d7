import {
  ChannelsControlMessage,
  ChannelsEventMessage,
  CloseCode,
  ErrorCode,
  topics,
} from '@jobstream/protocol';
import { AppError, toAppError } from '../../errors.js';
import type { HubEvent } from '../../hub/hub-event.js';
import { TOO_DEEP } from '../client-json.js';
import {
  closeFor,
  frameSink,
  parseMessage,
  SerialQueue,
  sessionContext,
  sharedFrame,
  type SessionContext,
  type DialectContext,
  type DialectSession,
  type WsDialect,
} from '../dialect.js';
import { jsonFrame, pingFrame } from '../ws-frame.js';
import { byType, TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { uvicornGoingAway } from './going-away.js';
import { ChannelCounts } from './channels-counts.js';
import {
  CHANNELS,
  ChannelName,
  ChannelsClientMessage,
  channelsClientActions as clientActions,
} from '@jobstream/protocol';
import { channelsEventFrame } from './channels-render.js';

/**
 * The channels API at `/api/v1/ws?user_id=&channels=` (spec/channels.md). What a connection receives:
 * its user's events (`user:{id}`, `role:{role}`) whatever channels it chose, the `system` topic always,
 * and postings (`job.created`) while it is subscribed to the `jobs` channel. The other channels carry
 * only user-addressed events, so subscribing to them is bookkeeping (`list_channels`, counts).
 */
export function createChannelsDialect(): WsDialect {
  // Every socket gets the same system.ping bytes within a heartbeat round (the registry beats them all
  // in one loop): rendered at most once a second, not once per connection.
  const systemPing = sharedFrame(1000, (now) => {
    const ts = new Date(now).toISOString();
    return jsonFrame({ type: 'system.ping', data: { timestamp: ts }, timestamp: ts });
  });
  // The connections of this node, per channel and per user.
  const counts = new ChannelCounts();
  return {
    name: 'channels',
    goingAway: uvicornGoingAway,
    match: (pathname) => (pathname === '/api/v1/ws' || pathname === '/api/v1/ws/' ? {} : null),
    open: (context) => new ChannelsSession(context, counts, systemPing),
  };
}

/** The channels API: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const channelsDialect: DialectModule = {
  api: {
    id: 'channels',
    address: '/api/v1/ws',
    title: 'Channels (spec/channels.md)',
    description:
      'Channel subscriptions: jobs, applications, recommendations, skills, follow-ups, interviews, system.',
    client: { union: ChannelsClientMessage, tag: 'action' },
    server: [byType(ChannelsControlMessage), byType(ChannelsEventMessage)],
    closeCodes: [],
    goingAway: uvicornGoingAway,
    query: {
      token: TOKEN_QUERY,
      user_id: 'the user the client says it is; it must match the credentials',
      channels: 'channels to subscribe to at once, comma-separated',
    },
  },
  create: () => createChannelsDialect(),
};

/** The one channel that maps to a broadcast topic of its own. */
const channelTopics: Partial<Record<ChannelName, string>> = { jobs: topics.postings };

const stamp = (): string => new Date().toISOString();
const envelope = (type: string, data: unknown): Buffer => jsonFrame({ type, data, timestamp: stamp() });

class ChannelsSession implements DialectSession {
  readonly #ctx: SessionContext;
  readonly #counts: ChannelCounts;
  readonly #channels = new Set<ChannelName>();
  #userId: string | null = null;
  #counted = false;
  /** Set-up, then each client message in turn: replies keep the order of the requests. */
  readonly #queue: SerialQueue;
  readonly #systemPing: () => Buffer;
  readonly #sink: (event: HubEvent) => void;

  constructor(ctx: DialectContext, counts: ChannelCounts, systemPing: () => Buffer) {
    this.#ctx = sessionContext(ctx);
    this.#systemPing = systemPing;
    this.#sink = frameSink(ctx.connection, channelsEventFrame);
    this.#counts = counts;
    // A connection that could not be set up (the broker is down, say) is closed: no half-open session.
    const setUp = this.#start(ctx.url).catch((error: unknown) => closeFor(ctx.connection, error));
    this.#queue = new SerialQueue(setUp, (error) => this.#failed(error));
  }

  message(text: string): void {
    if (!this.#queue.then(() => this.#handle(text), text)) this.#ctx.refused();
  }

  rateLimited(): void {
    this.#error('Too many messages: slow down');
  }

  heartbeat(): void {
    // The ping frame makes browsers answer on their own; system.ping is the document's keep-alive.
    this.#ctx.connection.send(pingFrame, false);
    this.#ctx.connection.send(this.#systemPing(), false);
  }

  async #start(url: URL): Promise<void> {
    // Yield first: the gateway registers the connection when open() returns, and a close before that
    // would leave it registered.
    await Promise.resolve();
    const { connection, principal, authorizer } = this.#ctx;
    const claimed = url.searchParams.get('user_id') || null;
    const signedIn = principal.userId !== null && principal.localOwner !== true;
    if (signedIn && claimed !== null && claimed !== principal.userId) {
      connection.close(CloseCode.authFailed, 'user_id does not match the credentials');
      return;
    }
    // Without credentials the claimed user_id is only echoed: anyone could claim any id, and the
    // authorizer refuses `user:{id}` to an anonymous principal. The local owner's events are their own
    // (`user:{owner}`), whatever id the document's example claims (`?user_id=test`).
    const own = principal.userId;
    this.#userId = signedIn ? own : (claimed ?? own);
    this.#counts.connected(this.#userId);
    this.#counted = true;
    connection.onClose(() => this.#release());

    const starts: (() => void)[] = [];
    const always: string[] = [topics.system];
    const reader = own ?? this.#userId; // an anonymous claim, which the authorizer refuses below
    if (reader !== null) always.push(topics.user(reader));
    if (principal.role !== null) always.push(topics.role(principal.role));
    for (const topic of always) {
      if (!(await authorizer.canRead(principal, topic))) continue;
      starts.push((await connection.subscribe(topic, this.#sink, {})).start);
    }
    const names = parseChannelList(url.searchParams.get('channels'));
    const errors = names.length > MAX_CHANNEL_NAMES ? [tooManyChannels] : [];
    for (const name of names.slice(0, MAX_CHANNEL_NAMES)) {
      const channel = ChannelName.safeParse(name);
      if (!channel.success) errors.push(unknownChannel(name));
      else {
        const joined = await this.#join(channel.data).catch((error: unknown) => toAppError(error));
        if (joined instanceof AppError) errors.push(joined.message);
        else if (joined) starts.push(joined);
      }
    }
    if (!connection.open) return;
    const ts = stamp();
    const data = {
      connection_id: `conn_${connection.id}`,
      user_id: this.#userId,
      channels: [...this.#channels],
      message: 'Connected to WebSocket server',
      timestamp: ts,
    };
    connection.send(jsonFrame({ type: 'system.connected', data, timestamp: ts }));
    for (const start of starts) start();
    for (const message of errors) this.#error(message);
  }

  async #handle(text: string): Promise<void> {
    if (!this.#ctx.connection.open) return;
    const parsed = parseMessage(text, ChannelsClientMessage);
    if (!parsed.ok) {
      if (parsed.reason === 'invalid') this.#error(describeInvalid(parsed.fields));
      else this.#error(parsed.reason === 'too_deep' ? `Invalid message: ${TOO_DEEP}` : 'Invalid JSON');
      return;
    }
    const msg = parsed.message;
    const { connection } = this.#ctx;
    switch (msg.action) {
      case 'subscribe': {
        const channel = this.#channel(msg.channel);
        if (!channel) return;
        const start = await this.#join(channel);
        if (!connection.open) return;
        const data = { channel, subscriber_count: this.#counts.subscribers(channel) };
        connection.send(envelope('system.subscribed', data));
        start?.();
        return;
      }
      case 'unsubscribe': {
        const channel = this.#channel(msg.channel);
        if (!channel) return;
        if (this.#channels.delete(channel)) {
          this.#counts.unsubscribed(channel);
          const topic = channelTopics[channel];
          if (topic) connection.unsubscribe(topic);
        }
        connection.send(envelope('system.unsubscribed', { channel }));
        return;
      }
      case 'list_channels':
        connection.send(
          envelope('system.channels', { channels: [...this.#channels], available_channels: CHANNELS }),
        );
        return;
      case 'pong':
        return; // the answer to system.ping: the message itself has kept the connection alive
      case 'ping':
        connection.send(jsonFrame({ type: 'system.pong', timestamp: stamp() }));
        return;
      case 'get_stats':
        connection.send(
          envelope('system.stats', {
            connection_id: `conn_${connection.id}`,
            user_id: this.#userId,
            subscribed_channels: [...this.#channels],
            ...this.#counts.stats(),
          }),
        );
        return;
    }
  }

  /**
   * Adds a channel; for `jobs`, subscribes to postings. Resolves with the `start` of that
   * subscription, to call once the reply is sent, so that no event precedes `system.subscribed`.
   */
  async #join(channel: ChannelName): Promise<(() => void) | undefined> {
    if (this.#channels.has(channel)) return undefined;
    const { connection, principal, authorizer } = this.#ctx;
    const topic = channelTopics[channel];
    let start: (() => void) | undefined;
    if (topic) {
      if (!(await authorizer.canRead(principal, topic))) {
        throw new AppError(ErrorCode.forbidden, `Not allowed to subscribe to channel: ${channel}`);
      }
      start = (await connection.subscribe(topic, this.#sink, {})).start;
    }
    // A connection closed meanwhile has released its channels already: count nothing more.
    if (!connection.open || this.#channels.has(channel)) return undefined;
    this.#channels.add(channel);
    this.#counts.subscribed(channel);
    return start;
  }

  /** The channel a subscribe or unsubscribe names, or undefined after telling the client it is unknown. */
  #channel(name: string): ChannelName | undefined {
    const parsed = ChannelName.safeParse(name.trim().toLowerCase());
    if (parsed.success) return parsed.data;
    this.#error(unknownChannel(name));
    return undefined;
  }

  #release(): void {
    if (!this.#counted) return;
    this.#counted = false;
    for (const channel of this.#channels) this.#counts.unsubscribed(channel);
    this.#counts.disconnected(this.#userId);
  }

  #failed(error: unknown): void {
    this.#error(toAppError(error).message);
  }

  #error(message: string): void {
    this.#ctx.connection.send(
      jsonFrame({ type: 'system.error', message, data: { message }, timestamp: stamp() }),
    );
  }
}

/**
 * Most names `?channels=` may list: the seven channels with room for typos. Each unknown name gets its
 * own `system.error`, so the rest are not looked at (one error says so).
 */
export const MAX_CHANNEL_NAMES = 32;
const tooManyChannels = `Too many channels: at most ${MAX_CHANNEL_NAMES} names in ?channels=; the rest were ignored`;

/** `channels=jobs, applications,,jobs` → ["jobs", "applications"]: trimmed, lowercased, deduplicated. */
function parseChannelList(param: string | null): string[] {
  if (!param) return [];
  const names = param.split(',').map((name) => name.trim().toLowerCase());
  return [...new Set(names.filter((name) => name !== ''))];
}

function unknownChannel(name: string): string {
  return `Unknown channel: ${name.slice(0, 100)}. Available channels: ${CHANNELS.join(', ')}`;
}

/** What is wrong with a message that parsed as JSON but is no known action (`fields`: its object). */
function describeInvalid(fields: Readonly<Record<string, unknown>> | null): string {
  if (fields === null) return 'A message must be a JSON object';
  const { action, channel } = fields;
  if (action === undefined) return "Missing 'action' field";
  if (typeof action !== 'string' || !clientActions.includes(action))
    return `Unknown action: ${(typeof action === 'string' ? action : JSON.stringify(action)).slice(0, 100)}`;
  return channel === undefined ? "Missing 'channel' field" : "Invalid 'channel' field: expected a string";
}
