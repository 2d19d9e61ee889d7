import type { Server } from 'node:http';
import type { Config } from '../config.js';
import { createChannelsDialect } from './dialects/channels.js';
import { createJobFeedDialect } from './dialects/job-feed.js';
import { createJobQueueDialect } from './dialects/job-queue.js';
import { createMatchingDialect } from './dialects/matching.js';
import { createNativeDialect } from './dialects/native.js';
import { createNotificationsDialect, type NotificationsDialectOptions } from './dialects/notifications.js';
import { FlushScheduler } from './flush-scheduler.js';
import { ConnectionRegistry } from './registry.js';
import type { RunEvents } from './run-events.js';
import { attachWsGateway, type WsDialect, type WsGatewayDeps } from './ws-gateway.js';

export interface GatewayDeps extends Pick<WsGatewayDeps, 'hub' | 'authorizer' | 'logger'> {
  readonly config: Config;
  /** A run's kept events, for the matching stream's replay (handed in, as the Authorizer is). */
  readonly runEvents: RunEvents;
  /** A user's unread inbox items (the notifications API's welcome says it), handed in likewise. */
  readonly unreadCount?: NotificationsDialectOptions['unreadCount'];
}

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
  // The WebSocket endpoints (see dialects/).
  const dialects: readonly WsDialect[] = [
    createNativeDialect(),
    createJobFeedDialect(),
    createChannelsDialect(),
    createJobQueueDialect(),
    // A run is replayed from the events it kept: whatever its size, and across restarts.
    createMatchingDialect({ runEvents: deps.runEvents }),
    // The notifications API refuses browser origins that CORS_ORIGINS does not allow.
    createNotificationsDialect({
      allowedOrigins: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      ...(deps.unreadCount === undefined ? {} : { unreadCount: deps.unreadCount }),
    }),
  ];
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
