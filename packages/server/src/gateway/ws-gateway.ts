import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import { toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authorizer, Principal } from './authorizer.js';
import { Connection, type GoingAway } from './connection.js';
import type { FlushScheduler } from './flush-scheduler.js';
import { RateLimiter } from './rate-limiter.js';
import type { ConnectionRegistry } from './registry.js';
import { WsTransport } from './ws-transport.js';

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

/** Handles HTTP upgrades for every WebSocket endpoint and wires each socket to its dialect. */
export function attachWsGateway(server: Server, deps: WsGatewayDeps): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: deps.limits.maxPayloadBytes,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let route: { dialect: WsDialect; params: Record<string, string> } | undefined;
    for (const dialect of deps.dialects) {
      const params = dialect.match(url.pathname);
      if (params) {
        route = { dialect, params };
        break;
      }
    }
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const { dialect, params } = route;
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => {
        // ws closes the socket itself (1009 for an oversized frame, 1002 for a protocol error).
      });
      // Refusals happen after the upgrade, so that a browser sees the close code.
      if (deps.registry.full) {
        ws.close(CloseCode.tooManyConnections, 'too many connections');
        return;
      }
      const pending = startSession(ws, dialect);
      deps.authorizer.authenticate({ headers: request.headers, url: request.url }).then(
        (principal) => {
          if (ws.readyState !== ws.OPEN) return;
          const context = { principal, request, url, params };
          pending.open((connection) => {
            connection.expireAt(principal.expiresAt);
            return dialect.open({ ...context, connection, ...shared });
          });
        },
        (error: unknown) => {
          const appError = toAppError(error);
          ws.close(appError.closeCode ?? CloseCode.authFailed, appError.message.slice(0, 120));
        },
      );
    });
  };

  const shared = {
    hub: deps.hub,
    authorizer: deps.authorizer,
    heartbeatMs: deps.limits.heartbeatMs,
  };

  /**
   * Wires a socket to a connection at once, so that nothing the client sends while it is being
   * authenticated is lost: messages wait (bounded by the rate limit) until the dialect's session opens.
   */
  const startSession = (ws: WebSocket, dialect: WsDialect) => {
    const { limits } = deps;
    const endpoint = dialect.name;
    const connection = new Connection(new WsTransport(ws), deps.scheduler, deps.hub, {
      endpoint,
      sendBufferBytes: limits.sendBufferBytes,
      goingAway: dialect.goingAway,
    });
    const limiter = new RateLimiter(limits.rateLimitPerSec, limits.rateLimitBurst);
    let session: DialectSession | undefined;
    let early: string[] | undefined = [];
    let limitedEarly = false;
    const handle = (text: string): void => {
      try {
        session?.message(text);
      } catch (error) {
        deps.logger.error({ err: error, endpoint }, 'dialect message handler threw');
      }
    };
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      connection.lastSeen = Date.now();
      const verdict = limiter.take();
      if (verdict === 'flood') {
        connection.close(CloseCode.policy, 'message rate exceeded', false);
        return;
      }
      if (verdict === 'limited') {
        if (session) session.rateLimited();
        else limitedEarly = true;
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (early) early.push(text);
      else handle(text);
    });
    ws.on('pong', () => {
      connection.lastSeen = Date.now();
    });
    ws.on('close', () => connection.dispose());
    return {
      open(create: (connection: Connection) => DialectSession): void {
        try {
          session = create(connection);
        } catch (error) {
          deps.logger.error({ err: error, endpoint }, 'dialect failed to open');
          connection.close(CloseCode.internal, 'internal error');
          return;
        }
        const opened = session;
        if (!connection.open) return; // the dialect refused it while opening
        deps.registry.add(connection, () => opened.heartbeat());
        const queued = early ?? [];
        early = undefined;
        for (const text of queued) handle(text);
        if (limitedEarly) opened.rateLimited();
      },
    };
  };

  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      wss.close();
    },
  };
}
