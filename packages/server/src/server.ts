import type { FastifyInstance } from 'fastify';
import { createAuthorizer } from './auth/authorizer.js';
import { createLocalOwner } from './auth/local-owner.js';
import { createTokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { describeConfig } from './config.js';
import { seedDemo } from './demo/seed.js';
import { inboxRows } from './domain/inbox-rows.js';
import { InboxService } from './domain/inbox-service.js';
import { ProfileService } from './domain/profiles.js';
import { createUserService } from './domain/users.js';
import { createGateway } from './gateway/gateway.js';
import type { ConnectionRegistry } from './gateway/registry.js';
import type { Broker } from './hub/broker.js';
import { createBroker } from './hub/create-broker.js';
import type { Hub } from './hub/hub.js';
import { createHttpApp } from './http/app.js';
import { createLifecycle, NodePhase } from './lifecycle.js';
import type { Logger } from './logger.js';
import { MeteredBroker } from './metrics/metered-broker.js';
import { MeteredHub } from './metrics/metered-hub.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import { createWebPush } from './push/web-push.js';
import { observeWorkTimes, queueFollowUpWork, relayTo } from './relay-reactions.js';
import { pendingOutboxRows } from './store/outbox.js';
import { OutboxRelay } from './store/outbox-relay.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { version } from './version.js';
import { QueueStatsPublisher } from './work/queue-stats.js';
import { Reminders } from './work/reminders.js';
import type { WorkRunner } from './work/runner.js';
import { Scheduler } from './work/scheduler.js';
import type { Pipelines } from './work/work-job.js';
import { createWorkParts } from './work/work-node.js';
import { createWorkQueue } from './work/work-queue.js';
import type { WorkService } from './work/work-service.js';

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
  const store = await openStore(config.databaseUrl, { logger, eventRows: inboxRows });
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
  const users = createUserService(store.db, () => localOwner.accountCreated());
  const profiles = new ProfileService(store);
  const parts = createWorkParts(store, config, logger, {
    ...options.work,
    pipelines: options.pipelines,
    demo: options.demo === true,
    localOwner: async () => (await localOwner.principal()) !== undefined,
  });
  const { work, postings, matching, analyses, recommendations, sources, scrapes, runner } = parts;
  const execution = createWorkQueue(config, logger, 'node')(parts);
  const reminders = new Reminders(store);
  const inbox = new InboxService(store, { retentionDays: config.inboxRetentionDays });
  const timetable = new Scheduler(
    [
      { name: 'scrapes', run: (at) => scrapes.queueDue(at) },
      { name: 'reminders', run: (at) => reminders.send(at) },
      { name: 'inbox retention', run: (at) => inbox.prune(at) },
    ],
    { tickMs: config.schedulerTickMs, logger },
  );
  const queueStats = new QueueStatsPublisher(work, (input) => hub.publish(input), { logger });
  // Web Push: urgent events for users with no live connection (nobody reads their user topic, on any node).
  const push = await createWebPush({
    config,
    store,
    logger,
    online: (id) => hub.readAnywhere(`user:${id}`),
  });
  // Data flows one way: store → relay → hub (→ broker), and relay → the work each event calls for.
  const relay = new OutboxRelay(
    store,
    relayTo(
      hub,
      [
        queueFollowUpWork({ analyses, recommendations, queueStats, logger }),
        observeWorkTimes(metrics),
        push.reaction,
      ],
      logger,
    ),
    { logger },
  );
  const authorizer = createAuthorizer({
    tokens,
    authRequired: config.authRequired,
    localOwner,
    findUser: (id) => users.getUser(id),
    workOwner: (id) => work.ownerOf(id),
  });
  const gateway = createGateway({
    config,
    logger,
    hub,
    authorizer,
    runEvents: { after: (id, after, limit) => matching.eventsAfter(id, after, limit) },
    unreadCount: (userId, role) => inbox.unreadCount({ userId, role, expiresAt: null }),
  });
  const { registry } = gateway;
  // The owner's connections end with the owner's time (each asked once, rather than one listener each).
  localOwner.onEnd(() => {
    for (const connection of [...registry.all()]) connection.endIfRevoked();
  });

  const phase = new NodePhase();
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
    realtime: gateway.realtime,
    isWebSocketPath: (pathname) => gateway.isWebSocketPath(pathname),
    phase: () => phase.current,
    demo: options.demo === true,
    push,
  });
  gateway.attach(app.server);
  metrics.readFrom({
    registry,
    hub,
    broker,
    endpoints: gateway.endpoints,
    oldestUnpublished: async () => (await pendingOutboxRows(store.db, 1))[0]?.created_at ?? null,
    queue: () => work.stats(),
  });

  const lifecycle = createLifecycle(
    {
      listenOn: { port: config.port, host: config.host },
      logger,
      describe: () => ({ version, settings: describeConfig(config) }),
      app,
      gateway,
      relay,
      broker,
      store,
      // Started in this order once the port is open, stopped in the reverse order.
      background: [
        { start: () => queueStats.start(), stop: () => queueStats.stop() },
        // Embedded, it queues again what a previous run left running; stopped, running work is left `running`.
        { start: () => execution.start(), stop: () => execution.stop() },
        { stop: () => recommendations.stop() },
        { stop: () => push.stop() },
        { start: () => timetable.start(), stop: () => timetable.stop() },
      ],
      // The demo scrapes its own boards on this server: exactly those pass the source policy.
      listening: (localBase) => {
        if (demoBoards) parts.sourcePolicy.allowUrlPrefix(`${localBase}/demo/boards/`);
      },
      // Seeded once the port is open (its sources scrape this server's demo boards).
      started: async (localBase) => {
        if (!demoBoards) return;
        const demo = { boards: demoBoards, users, profiles, postings, sources, scrapes, matching, logger };
        await seedDemo(demo, localBase);
      },
    },
    phase,
  );
  return {
    app,
    hub,
    broker,
    store,
    relay,
    registry,
    work,
    runner,
    listen: () => lifecycle.start(),
    close: () => lifecycle.stop(),
  };
}
