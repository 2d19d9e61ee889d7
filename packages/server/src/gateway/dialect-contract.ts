import type { IncomingMessage } from 'node:http';
import type { Authorizer, Principal } from '../auth/principal.js';
import type { Hub } from '../hub/hub.js';
import type { Connection, GoingAway } from './connection.js';

/**
 * The contract between the WebSocket gateway and its dialects, a leaf that both import (the gateway
 * and its session plumbing read it; a dialect implements it).
 */

export interface GatewayLimits {
  readonly maxPayloadBytes: number;
  readonly sendBufferBytes: number;
  readonly rateLimitPerSec: number;
  readonly rateLimitBurst: number;
  readonly heartbeatMs: number;
}

/** What a dialect's session does with the messages of one connection. */
export interface DialectSession {
  /** A text message from the client (binary messages arrive as their UTF-8 text). */
  message(text: string): void;
  /** The client exceeded its message rate: tell it, in the dialect's words. */
  rateLimited(): void;
  /** Runs every heartbeat interval while the peer is alive. */
  heartbeat(): void;
}

export interface DialectContext {
  readonly connection: Connection;
  readonly principal: Principal;
  readonly request: IncomingMessage;
  readonly url: URL;
  /** Path parameters captured by the dialect's route. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * Reports a message the session could not take (too many waiting behind a reply in progress): it
   * counts as over the rate limit, so the client is told (`rateLimited`, at most once a second).
   */
  readonly refused: () => void;
  readonly hub: Hub;
  readonly authorizer: Authorizer;
  readonly heartbeatMs: number;
}

/** One WebSocket endpoint: which paths it serves, and how it talks. */
export interface WsDialect {
  readonly name: string;
  /** How its connections end at shutdown: the way its original server went away (clients rely on it). */
  readonly goingAway: GoingAway;
  /** Path parameters when `pathname` is this dialect's, else null. */
  match(pathname: string): Record<string, string> | null;
  open(context: DialectContext): DialectSession;
}
