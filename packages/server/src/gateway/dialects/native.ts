import type { CanonicalEvent } from '@jobstream/protocol';
import { ClientMessage, ErrorCode, ServerMessage, Topic, type SubscribeMessage } from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { AppError, describeFields, fieldErrors, toAppError } from '../../errors.js';
import { jsonFrame, pingFrame, textFrame } from '../ws-frame.js';
import type { Authorizer, Principal } from '../../auth/principal.js';
import { TOO_DEEP } from '../client-json.js';
import type { Connection } from '../connection.js';
import {
  frameSink,
  parseMessage,
  type DialectContext,
  type DialectSession,
  type MessageError,
  type WsDialect,
} from '../dialect.js';
import { byType, TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { nativeGoingAway } from './going-away.js';

/** Most topics one native connection may subscribe to at once. */
export const MAX_SUBSCRIPTIONS = 1000;

/** The native `event` message, framed once per event for every `/ws` subscriber. */
export const nativeEventFrame: FrameEncoder = (e: CanonicalEvent) =>
  textFrame(
    JSON.stringify({ type: 'event', topic: e.topic, seq: e.seq, event: e.type, ts: e.ts, data: e.data }),
  );

const appPing = jsonFrame({ type: 'ping' });
const pong = jsonFrame({ type: 'pong' });

/** The native protocol at `/ws`: docs/PROTOCOL.md. */
export function createNativeDialect(): WsDialect {
  return {
    name: 'native',
    goingAway: nativeGoingAway,
    match: (pathname) => (pathname === '/ws' || pathname === '/ws/' ? {} : null),
    open: (context) => new NativeSession(context),
  };
}

/** The native protocol: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const nativeDialect: DialectModule = {
  api: {
    id: 'native',
    address: '/ws',
    title: 'Native protocol',
    description:
      'Any permitted topic, with gap-free resume from a seq (docs/PROTOCOL.md). Also over HTTP: SSE at /api/v1/events, long-poll at /api/v1/events/poll (see the OpenAPI document).',
    client: byType(ClientMessage),
    server: [byType(ServerMessage)],
    closeCodes: ['normal', 'goingAway'],
    goingAway: nativeGoingAway,
    query: { token: TOKEN_QUERY },
  },
  create: () => createNativeDialect(),
};

class NativeSession implements DialectSession {
  // Only what the session needs is kept: holding the whole context would keep the upgrade request
  // (headers and all) alive for the life of every connection.
  readonly #connection: Connection;
  readonly #authorizer: Authorizer;
  /** Who the connection is; a `refresh` may extend it (same user only). */
  #principal: Principal;
  /** Subscribes still waiting for the hub: they count against MAX_SUBSCRIPTIONS too. */
  #subscribing = 0;

  constructor(ctx: DialectContext) {
    this.#connection = ctx.connection;
    this.#authorizer = ctx.authorizer;
    this.#principal = ctx.principal;
    ctx.connection.send(
      jsonFrame({
        type: 'welcome',
        connection_id: ctx.connection.id,
        server_time: new Date().toISOString(),
        heartbeat_ms: ctx.heartbeatMs,
        user_id: ctx.principal.userId,
      }),
    );
  }

  message(text: string): void {
    const parsed = parseMessage(text, ClientMessage);
    if (!parsed.ok) {
      if (parsed.reason === 'invalid_json') this.#error(ErrorCode.invalidJson, 'message is not valid JSON');
      else this.#error(ErrorCode.invalidMessage, describeInvalid(parsed));
      return;
    }
    const msg = parsed.message;
    switch (msg.type) {
      case 'subscribe':
        this.#subscribing++;
        this.#subscribe(msg)
          .catch((error: unknown) => {
            const appError = toAppError(error);
            this.#error(appError.code, appError.message, msg.topic);
          })
          .finally(() => this.#subscribing--);
        return;
      case 'unsubscribe':
        this.#connection.unsubscribe(msg.topic);
        this.#connection.send(jsonFrame({ type: 'unsubscribed', topic: msg.topic }));
        return;
      case 'ping':
        this.#connection.send(pong);
        return;
      case 'pong':
        return;
      case 'refresh':
        this.#refresh(msg.token).catch((error: unknown) => {
          const appError = toAppError(error);
          this.#error(appError.code, appError.message);
        });
        return;
    }
  }

  rateLimited(): void {
    this.#error(ErrorCode.rateLimited, 'too many messages: slow down');
  }

  heartbeat(): void {
    // The ping frame makes browsers answer on their own; the message lets SDKs see the heartbeat.
    this.#connection.send(pingFrame, false);
    this.#connection.send(appPing, false);
  }

  async #subscribe(msg: SubscribeMessage): Promise<void> {
    const connection = this.#connection;
    const authorizer = this.#authorizer;
    const principal = this.#principal;
    // Counting those in flight (this one among them) keeps a pipelined burst of subscribes under the cap.
    const taken = connection.subscriptionCount + this.#subscribing - 1;
    if ((!connection.has(msg.topic) && taken >= MAX_SUBSCRIPTIONS) || this.#subscribing > MAX_SUBSCRIPTIONS) {
      throw new AppError(
        ErrorCode.tooManySubscriptions,
        `at most ${MAX_SUBSCRIPTIONS} topics per connection`,
      );
    }
    if (!(await authorizer.canRead(principal, msg.topic))) {
      throw new AppError(ErrorCode.forbidden, `not allowed to read ${msg.topic}`);
    }
    const result = await connection.subscribe(msg.topic, frameSink(connection, nativeEventFrame), {
      since: msg.since,
      epoch: msg.epoch,
      types: msg.types,
    });
    if (!connection.open) return;
    connection.send(
      jsonFrame({
        type: 'subscribed',
        topic: msg.topic,
        seq: result.seq,
        epoch: result.epoch,
        recovered: result.recovered,
      }),
    );
    result.start();
  }

  async #refresh(token: string): Promise<void> {
    const next = await this.#authorizer.verifyToken(token);
    if (next.userId !== this.#principal.userId) {
      throw new AppError(ErrorCode.forbidden, 'a refresh token must be for the same user');
    }
    this.#principal = next;
    this.#connection.expireAt(next.expiresAt);
    const expires = next.expiresAt === null ? null : new Date(next.expiresAt).toISOString();
    this.#connection.send(jsonFrame({ type: 'refreshed', expires_at: expires }));
  }

  #error(code: string, message: string, ref?: string): void {
    this.#connection.send(jsonFrame({ type: 'error', code, message, ...(ref ? { ref } : {}) }));
  }
}

/** A plain sentence naming what is wrong with a client message. */
function describeInvalid(error: Exclude<MessageError, { reason: 'invalid_json' }>): string {
  if (error.reason === 'too_deep') return `a message ${TOO_DEEP}`;
  const { fields } = error;
  if (fields === null) return 'a message must be a JSON object';
  const { type, topic } = fields;
  if (typeof type !== 'string') return 'a message needs a string "type"';
  if (!['subscribe', 'unsubscribe', 'ping', 'pong', 'refresh'].includes(type))
    return `unknown message type "${type}"`;
  if (typeof topic === 'string' && !Topic.safeParse(topic).success)
    return `invalid topic "${topic.slice(0, 100)}"`;
  return `invalid ${type}: ${describeFields(fieldErrors(error.issues))}`;
}
