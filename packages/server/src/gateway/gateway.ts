import type { Server } from 'node:http';
import type { DialectDeps } from './dialect-api.js';
import { dialects as dialectModules } from './dialects/index.js';
import { FlushScheduler } from './flush-scheduler.js';
import { ConnectionRegistry } from './registry.js';
import { attachWsGateway, type WsDialect, type WsGatewayDeps } from './ws-gateway.js';

/**
 * What the gateway is handed: besides the hub, the authorizer and the logger, what its dialects'
 * factories take (the settings, a run's kept events, a user's unread count: see dialect-api.ts).
 */
export type GatewayDeps = Pick<WsGatewayDeps, 'hub' | 'authorizer' | 'logger'> & DialectDeps;

/** What SSE and long-poll need of the gateway (http/realtime-routes.ts). */
export interface RealtimeParts extends Pick<WsGatewayDeps, 'hub' | 'authorizer' | 'registry' | 'scheduler'> {
  /** Aborts at shutdown, so that waiting long-polls answer at once. */
  readonly shutdown: AbortSignal;
}

/**
 * The real-time side of a node: every connection (WebSocket, SSE, long-poll) in one registry, one
 * flush scheduler, the WebSocket endpoints (see dialects/), and their going-away at shutdown.
 */
export interface Gateway {
  readonly registry: ConnectionRegistry;
  readonly realtime: RealtimeParts;
  /** Each endpoint's name (the dialects' and `sse`), for the metrics. */
  readonly endpoints: readonly string[];
  /** Whether a path is a WebSocket endpoint's. */
  isWebSocketPath(pathname: string): boolean;
  /** Takes the HTTP server's upgrades. Once, before it listens. */
  attach(server: Server): void;
  /**
   * Stops taking sockets; long-polls answer, and every connection goes away as its endpoint's original
   * server did (1012, or no close frame at all: see dialects/going-away.ts). The HTTP server closes after.
   */
  goAway(): void;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const { config } = deps;
  const scheduler = new FlushScheduler();
  const registry = new ConnectionRegistry(config.maxConnections, config.heartbeatIntervalMs);
  const shutdown = new AbortController();
  // The WebSocket endpoints, one per dialect of the list (dialects/index.ts).
  const dialects: readonly WsDialect[] = dialectModules.map((dialect) => dialect.create(deps));
  let attached: { close(): void } | undefined;
  return {
    registry,
    realtime: { hub: deps.hub, authorizer: deps.authorizer, registry, scheduler, shutdown: shutdown.signal },
    endpoints: [...dialects.map((dialect) => dialect.name), 'sse'],
    isWebSocketPath: (pathname) => dialects.some((dialect) => dialect.match(pathname) !== null),
    attach(server) {
      attached = attachWsGateway(server, {
        hub: deps.hub,
        authorizer: deps.authorizer,
        registry,
        scheduler,
        logger: deps.logger,
        dialects,
        limits: {
          maxPayloadBytes: config.maxPayloadBytes,
          sendBufferBytes: config.sendBufferBytes,
          rateLimitPerSec: config.rateLimitPerSec,
          rateLimitBurst: config.rateLimitBurst,
          heartbeatMs: config.heartbeatIntervalMs,
        },
      });
    },
    goAway() {
      attached?.close();
      shutdown.abort();
      for (const connection of [...registry.all()]) connection.goAway();
      registry.stop();
    },
  };
}
