import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { CloseCode } from '@jobstream/protocol';
import type { Config } from './config.js';
import { describeConfig } from './config.js';
import type { Authorizer } from './gateway/authorizer.js';
import { openAuthorizer } from './gateway/authorizer.js';
import { nativeDialect } from './gateway/dialects/native.js';
import { FlushScheduler } from './gateway/flush-scheduler.js';
import { ConnectionRegistry } from './gateway/registry.js';
import { attachWsGateway } from './gateway/ws-gateway.js';
import type { Broker } from './hub/broker.js';
import { createBroker } from './hub/create-broker.js';
import { Hub } from './hub/hub.js';
import { installErrorHandler } from './http/error-handler.js';
import { registerRealtimeRoutes } from './http/realtime-routes.js';
import { registerRootPage } from './http/root-page.js';
import { registerStatusRoutes } from './http/status-routes.js';
import type { Logger } from './logger.js';
import { version } from './version.js';

export interface Jobstream {
  readonly app: FastifyInstance;
  readonly hub: Hub;
  readonly broker: Broker;
  readonly registry: ConnectionRegistry;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:8000`). */
  listen(): Promise<string>;
  /** Graceful shutdown: sockets get 1001 after their queued frames, long-polls answer, then close. */
  close(): Promise<void>;
}

export interface JobstreamOptions {
  readonly authorizer?: Authorizer;
  /** A broker to use instead of the one the configuration names (tests wrap one to widen races). */
  readonly broker?: Broker;
}

/** Builds a Jobstream node from its configuration: the hub, the gateway and the HTTP routes. */
export function createJobstream(config: Config, logger: Logger, options: JobstreamOptions = {}): Jobstream {
  const broker = options.broker ?? createBroker(config);
  const hub = new Hub(broker);
  const scheduler = new FlushScheduler();
  const registry = new ConnectionRegistry(config.maxConnections, config.heartbeatIntervalMs);
  const authorizer = options.authorizer ?? openAuthorizer;
  const shutdown = new AbortController();

  // Fastify's own request lines would log every call; it speaks only of warnings and errors.
  const fastifyLogger: FastifyBaseLogger = logger.child({}, { level: 'warn' });
  const app = Fastify({
    loggerInstance: fastifyLogger,
    bodyLimit: config.maxPayloadBytes,
    forceCloseConnections: 'idle',
  });
  installErrorHandler(app);
  if (config.corsOrigins.length > 0) {
    void app.register(cors, { origin: config.corsOrigins.includes('*') ? true : config.corsOrigins });
  }
  registerStatusRoutes(app, { hub, broker, registry, version });
  registerRealtimeRoutes(app, {
    hub,
    authorizer,
    registry,
    scheduler,
    apiKey: config.apiKey,
    sendBufferBytes: config.sendBufferBytes,
    shutdown: shutdown.signal,
  });
  registerRootPage(app, version);

  const gateway = attachWsGateway(app.server, {
    hub,
    authorizer,
    registry,
    scheduler,
    logger,
    dialects: [nativeDialect],
    limits: {
      maxPayloadBytes: config.maxPayloadBytes,
      sendBufferBytes: config.sendBufferBytes,
      rateLimitPerSec: config.rateLimitPerSec,
      rateLimitBurst: config.rateLimitBurst,
      heartbeatMs: config.heartbeatIntervalMs,
    },
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    hub,
    broker,
    registry,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      logger.info({ address: url, version, settings: describeConfig(config) }, 'jobstream listening');
      return url;
    },
    close() {
      closing ??= (async () => {
        gateway.close();
        shutdown.abort();
        for (const connection of [...registry.all()])
          connection.close(CloseCode.goingAway, 'server shutting down');
        registry.stop();
        await app.close();
        await broker.close();
      })();
      return closing;
    },
  };
}
