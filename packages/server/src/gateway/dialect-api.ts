import type { CloseCodeName, Role } from '@jobstream/protocol';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { GoingAway } from './connection.js';
import type { RunEvents } from './run-events.js';
import type { WsDialect } from './dialect-contract.js';

/**
 * What a dialect's module exports besides its factory: its API as the AsyncAPI document describes it
 * (http/asyncapi/), read from its protocol schemas, and how the gateway makes it. The one list of
 * dialects (dialects/index.ts) serves both, so that a new dialect is its file, its wire messages in the
 * protocol package and one line in that list.
 */

/** A tagged union of wire messages and the field that names each. */
export interface MessageSet {
  readonly union: z.ZodDiscriminatedUnion;
  readonly tag: string;
  /** Fields the endpoint adds to every message of the set. */
  readonly adds?: z.ZodRawShape;
}

/** One WebSocket API as the AsyncAPI document describes it. */
export interface DialectApi {
  /** The channel's key in the document. */
  readonly id: string;
  readonly address: string;
  readonly title: string;
  readonly description: string;
  /** What clients send (none: broadcast only, what arrives is ignored). */
  readonly client: MessageSet | null;
  readonly server: readonly MessageSet[];
  /** The close codes a client of this API may see, besides the gateway's own (see below). */
  readonly closeCodes: readonly CloseCodeName[];
  /** How it goes away at shutdown: the dialect's own (dialects/going-away.ts). */
  readonly goingAway: GoingAway;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Query parameters of the upgrade request. */
  readonly query?: Readonly<Record<string, string>>;
}

/** What every endpoint may close with: the gateway's limits and its authentication. */
export const gatewayCloseCodes: readonly CloseCodeName[] = [
  'protocolError',
  'invalidPayload',
  'policy',
  'tooLarge',
  'internal',
  'authFailed',
  'malformedToken',
  'tokenExpired',
  'slowConsumer',
  'tooManyConnections',
];

/** The `token` query parameter every endpoint takes. */
export const TOKEN_QUERY =
  'a JWT (browsers cannot set headers on a WebSocket); else the session cookie or Authorization: Bearer';

/** A union of messages named by their `type`. */
export const byType = (union: z.ZodDiscriminatedUnion): MessageSet => ({ union, tag: 'type' });

/** What a dialect's factory may be handed by the gateway. */
export interface DialectDeps {
  readonly config: Config;
  /** A run's kept events, for the matching stream's replay. */
  readonly runEvents: RunEvents;
  /** A user's unread inbox items (the notifications API's welcome says it). */
  readonly unreadCount?: (userId: string, role: Role | null) => Promise<number>;
}

/** A WebSocket dialect as its module exports it: its AsyncAPI description and how it is made. */
export interface DialectModule {
  readonly api: DialectApi;
  create(deps: DialectDeps): WsDialect;
}
