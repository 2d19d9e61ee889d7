import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, ErrorCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authorizer, Principal } from '../auth/principal.js';
import type { Connection, GoingAway } from './connection.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { ConnectionRegistry } from './registry.js';
import { installUpgradeGuard } from './upgrade-guard.js';
import { startSession } from './ws-session.js';

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

export interface WsGatewayDeps {
  readonly hub: Hub;
  readonly authorizer: Authorizer;
  readonly registry: ConnectionRegistry;
  readonly scheduler: FlushScheduler;
  readonly logger: Logger;
  readonly limits: GatewayLimits;
  readonly dialects: readonly WsDialect[];
}

/**
 * `ws` closes the socket itself on an error (1009 for an oversized frame, 1002 for a protocol error).
 * One function for every socket: a closure made per upgrade would keep that upgrade's request (headers
 * and all) alive for the life of the connection.
 */
const ignoreSocketError = (): void => {};

/** Handles HTTP upgrades for every WebSocket endpoint and wires each socket to its dialect. */
export function attachWsGateway(server: Server, deps: WsGatewayDeps): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: deps.limits.maxPayloadBytes,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { dialect, params, url } = route(request.url);
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', ignoreSocketError);
      // The socket is upgraded: from here on a failure is a close code, never an HTTP answer.
      admit(ws, request, url, dialect, params).catch((error: unknown) => {
        deps.logger.error({ err: error, endpoint: dialect.name }, 'WebSocket session failed to start');
        ws.close(CloseCode.internal, 'internal error');
      });
    });
  };

  /**
   * The dialect serving a request target. The target is the client's: anything that fails to parse it
   * (a bad percent-escape, an absolute-form target with a bad host) is a malformed request, 400.
   */
  const route = (target: string | undefined) => {
    try {
      const url = new URL(target ?? '/', 'http://localhost');
      for (const dialect of deps.dialects) {
        const params = dialect.match(url.pathname);
        if (params) return { dialect, params, url };
      }
    } catch (error) {
      throw new AppError(ErrorCode.invalidMessage, 'malformed request target', { cause: error });
    }
    throw new AppError(ErrorCode.notFound, 'no WebSocket endpoint at this path');
  };

  /** Authenticates an upgraded socket and opens its session. Refusals are close codes a browser sees. */
  const admit = async (
    ws: WebSocket,
    request: IncomingMessage,
    url: URL,
    dialect: WsDialect,
    params: Record<string, string>,
  ): Promise<void> => {
    if (deps.registry.full) {
      ws.close(CloseCode.tooManyConnections, 'too many connections');
      return;
    }
    const pending = startSession(ws, dialect, deps);
    let principal: Principal;
    try {
      principal = await deps.authorizer.authenticate({ headers: request.headers, url: request.url });
    } catch (error) {
      const appError = toAppError(error);
      ws.close(appError.closeCode ?? CloseCode.authFailed, appError.message.slice(0, 120));
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    const context = { principal, request, url, params };
    pending.open((connection) => {
      connection.expireAt(principal.expiresAt);
      connection.endWhen(principal.revoked);
      return dialect.open({ ...context, connection, refused: pending.refused, ...shared });
    });
  };

  const shared = {
    hub: deps.hub,
    authorizer: deps.authorizer,
    heartbeatMs: deps.limits.heartbeatMs,
  };

  const uninstall = installUpgradeGuard(server, onUpgrade, deps.logger);
  return {
    close: () => {
      uninstall();
      wss.close();
    },
  };
}
