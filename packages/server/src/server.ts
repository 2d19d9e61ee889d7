import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createAuthorizer } from './auth/authorizer.js';
import { createLocalOwner } from './auth/local-owner.js';
import { createTokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { describeConfig } from './config.js';
import { ProfileService } from './domain/profiles.js';
import { createUserService } from './domain/users.js';
import { channelsDialect } from './gateway/dialects/channels.js';
import { jobQueueDialect } from './gateway/dialects/job-queue.js';
import { jobFeedDialect } from './gateway/dialects/job-feed.js';
import { createMatchingDialect } from './gateway/dialects/matching.js';
import { nativeDialect } from './gateway/dialects/native.js';
import { createNotificationsDialect } from './gateway/dialects/notifications.js';
import { FlushScheduler } from './gateway/flush-scheduler.js';
import { ConnectionRegistry } from './gateway/registry.js';
import { attachWsGateway } from './gateway/ws-gateway.js';
import type { Broker } from './hub/broker.js';
import { createBroker } from './hub/create-broker.js';
import type { Hub } from './hub/hub.js';
import { createHttpApp } from './http/app.js';
import type { Phase } from './http/readiness.js';
import { MeteredBroker } from './metrics/metered-broker.js';
import { MeteredHub } from './metrics/metered-hub.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import { pendingOutboxRows } from './store/outbox.js';
import type { Logger } from './logger.js';
import { OutboxRelay } from './store/outbox-relay.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { version } from './version.js';
import { QueueStatsPublisher } from './work/queue-stats.js';
import type { WorkRunner } from './work/runner.js';
import type { Pipelines } from './work/work-job.js';
import type { WorkService } from './work/work-service.js';
import { workReactions } from './work/reactions.js';
import { Reminders } from './work/reminders.js';
import { Scheduler } from './work/scheduler.js';
import { createWorkParts, workExecution } from './work/work-node.js';
import { seedDemo } from './demo/seed.js';

export interface Jobstream {
  readonly app: FastifyInstance;
  readonly hub: Hub;
  readonly broker: Broker;
  readonly store: Store;
  readonly relay: OutboxRelay;
  readonly registry: ConnectionRegistry;
  /** The work queue: create jobs here; the runner runs them. */
  readonly work: WorkService;
  readonly runner: WorkRunner;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:8000`). */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: sockets get their queued frames, then end as their endpoint's original server
   * ended them (see gateway/dialects/going-away.ts); SSE streams end, long-polls answer, then close.
   */
  close(): Promise<void>;
}

export interface JobstreamOptions {
  /** `serve --demo`: demo boards, users and sources, seeded once the server listens. */
  readonly demo?: boolean;
  /** A broker to use instead of the one the configuration names (tests wrap one to widen races). */
  readonly broker?: Broker;
  /** Pipelines by kind, added to (and overriding) the built-in ones: tests register their own. */
  readonly pipelines?: Pipelines;
  /** The runner's tuning (tests shorten the retry backoff). */
  readonly work?: { readonly concurrency?: number; readonly retryBaseMs?: number };
}

/**
 * Builds a Jobstream node from its configuration: the store (with its migrations), the hub, the
 * outbox relay between them, authentication, the gateway and the HTTP routes.
 */
export async function createJobstream(
  config: Config,
  logger: Logger,
  options: JobstreamOptions = {},
): Promise<Jobstream> {
  const store = await openStore(config.databaseUrl, { logger });
  const metrics = new NodeMetrics();
  const broker = new MeteredBroker(
    options.broker ??
      (await createBroker(config, logger).catch(async (error: unknown) => {
        await store.close();
        throw error;
      })),
    metrics.latency,
  );
  // A subscriber may fall behind by as many live events as history holds while it catches up.
  const hub: Hub = new MeteredHub(broker, { holdLimit: Math.max(100, config.historySize) }, metrics.replayed);
  const scheduler = new FlushScheduler();
  const registry = new ConnectionRegistry(config.maxConnections, config.heartbeatIntervalMs);
  const tokens = await createTokenService({
    jwtSecret: config.jwtSecret,
    jwtJwksUrl: config.jwtJwksUrl,
    dataDir: store.dataDir,
  });
  // The local owner applies on one node only: several nodes could not end it at once for all.
  const ownerMode =
    config.authRequired || (config.localOwner === 'auto' && config.redisUrl !== undefined)
      ? 'off'
      : config.localOwner;
  const localOwner = createLocalOwner(store.db, ownerMode);
  await localOwner.ensure();
  // The owner's connections end with the owner's time (each asked once, rather than one listener each).
  localOwner.onEnd(() => {
    for (const connection of [...registry.all()]) connection.endIfRevoked();
  });
  const users = createUserService(store.db, () => localOwner.accountCreated());
  const profiles = new ProfileService(store);
  const parts = createWorkParts(store, config, logger, {
    ...options.work,
    pipelines: options.pipelines,
    demo: options.demo === true,
    localOwner: async () => (await localOwner.principal()) !== undefined,
    mode: config.redisUrl === undefined ? 'store' : 'external',
  });
  const { work, postings, matching, analyses, recommendations, sources, scrapes, runner } = parts;
  const execution = workExecution(parts, config, logger);
  const reminders = new Reminders(store);
  const timetable = new Scheduler(
    [
      { name: 'scrapes', run: (at) => scrapes.queueDue(at) },
      { name: 'reminders', run: (at) => reminders.send(at) },
    ],
    { tickMs: config.schedulerTickMs, logger },
  );
  const queueStats = new QueueStatsPublisher(work, (input) => hub.publish(input), { logger });
  const react = workReactions({ analyses, recommendations, queueStats, logger });
  // Committed events reach the hub through the relay, which also queues the work they call for.
  const relay = new OutboxRelay(
    store,
    async (event) => {
      const outcome = await hub.publish(event);
      if (!outcome.duplicate) {
        react(event);
        metrics.relayed(event);
      }
      return outcome;
    },
    { logger },
  );
  const authorizer = createAuthorizer({
    tokens,
    authRequired: config.authRequired,
    localOwner,
    findUser: (id) => users.getUser(id),
    workOwner: (id) => work.ownerOf(id),
  });
  const shutdown = new AbortController();
  // The WebSocket endpoints (see gateway/dialects/).
  const dialects = [
    nativeDialect,
    jobFeedDialect,
    channelsDialect,
    jobQueueDialect,
    // A run is replayed from the events it kept: whatever its size, and across restarts.
    createMatchingDialect({
      runEvents: { after: (id, after, limit) => matching.eventsAfter(id, after, limit) },
    }),
    // The notifications API refuses browser origins that CORS_ORIGINS does not allow.
    createNotificationsDialect({
      allowedOrigins: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    }),
  ];

  let phase: Phase = 'starting';
  const { app, demoBoards } = await createHttpApp({
    config,
    logger,
    store,
    hub,
    broker,
    metrics,
    authorizer,
    tokens,
    users,
    profiles,
    work: parts,
    workers: () => execution.health(),
    realtime: { hub, authorizer, registry, scheduler, shutdown: shutdown.signal },
    isWebSocketPath: (pathname) => dialects.some((dialect) => dialect.match(pathname) !== null),
    phase: () => phase,
    demo: options.demo === true,
  });
  metrics.readFrom({
    registry,
    hub,
    broker,
    endpoints: [...dialects.map((dialect) => dialect.name), 'sse'],
    oldestUnpublished: async () => (await pendingOutboxRows(store.db, 1))[0]?.created_at ?? null,
    queue: () => work.stats(),
  });

  const gateway = attachWsGateway(app.server, {
    hub,
    authorizer,
    registry,
    scheduler,
    logger,
    dialects,
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
    store,
    relay,
    registry,
    work,
    runner,
    async listen() {
      relay.start(); // publishes whatever a previous run committed but did not publish
      await app.listen({ port: config.port, host: config.host });
      const demoBase = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      // The demo scrapes its own boards on this server: exactly those pass the source policy.
      if (demoBoards) parts.sourcePolicy.allowUrlPrefix(`${demoBase}/demo/boards/`);
      await queueStats.start();
      await execution.start(); // embedded: queues again what a previous run left running
      timetable.start();
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      if (demoBoards) {
        // Seeded once the port is open (its sources scrape this server's demo boards).
        const demo = { boards: demoBoards, users, profiles, postings, sources, scrapes, matching, logger };
        await seedDemo(demo, demoBase);
      }
      phase = 'ready';
      logger.info({ address: url, version, settings: describeConfig(config) }, 'jobstream listening');
      return url;
    },
    close() {
      // Readiness answers 503 from the first moment of a shutdown, so that balancers stop sending.
      phase = 'draining';
      closing ??= (async () => {
        gateway.close();
        shutdown.abort();
        // Each endpoint goes away as its original server did (1012, or no close frame at all).
        for (const connection of [...registry.all()]) connection.goAway();
        registry.stop();
        // A socket that never sent a request (or is stuck in one) would hold the close up: two seconds.
        const straggling = setTimeout(() => app.server.closeAllConnections(), 2000);
        straggling.unref();
        await app.close();
        clearTimeout(straggling);
        await timetable.stop();
        recommendations.stop();
        // Running work is aborted and left `running`: the next start queues it again.
        await execution.stop();
        await queueStats.stop();
        // Publish what is committed while there is still time; what is left goes at the next start.
        const drained = relay.drain().catch((error: unknown) => {
          logger.warn({ err: error }, 'outbox not drained at shutdown; the next start sends the rest');
        });
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        await relay.stop();
        await broker.close();
        await store.close();
      })();
      return closing;
    },
  };
}
