import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, ErrorCode } from '@jobstream/protocol';
import type { Hub } from '../hub/hub.js';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authorizer, Principal } from '../auth/principal.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { ConnectionRegistry } from './registry.js';
import { installUpgradeGuard } from './upgrade-guard.js';
import { startSession } from './ws-session.js';
import type { GatewayLimits, WsDialect } from './dialect-contract.js';

export type { DialectContext, DialectSession, GatewayLimits, WsDialect } from './dialect-contract.js';

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
