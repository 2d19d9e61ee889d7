import type { FastifyInstance } from 'fastify';
import { createAuth } from './auth/create-auth.js';
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
import { createWork } from './work/create-work.js';
import type { WorkRunner } from './work/runner.js';
import type { Pipelines } from './work/work-job.js';
import type { WorkService } from './work/work-service.js';

/** Connections waiting to be accepted (Node's default is 511). */
const LISTEN_BACKLOG = 4096;
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
  /** The built dashboard to serve at `/` (tests build their own). @default packages/web/dist */
  readonly dashboardDir?: string;
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
  // The authorizer asks the work service who owns a work item only once requests come, when both exist.
  const { tokens, localOwner, users, authorizer } = await createAuth(config, store, {
    users: (accountCreated) => createUserService(store.db, accountCreated),
    workOwner: (id) => parts.work.ownerOf(id),
  });
  const profiles = new ProfileService(store);
  const inbox = new InboxService(store, { retentionDays: config.inboxRetentionDays });
  const parts = createWork(
    store,
    config,
    logger,
    {
      publish: (input) => hub.publish(input),
      scheduled: [{ name: 'inbox retention', run: (at) => inbox.prune(at) }],
    },
    {
      ...options.work,
      pipelines: options.pipelines,
      demo: options.demo === true,
      localOwner: async () => (await localOwner.principal()) !== undefined,
    },
  );
  const { work, postings, matching, analyses, recommendations, sources, scrapes, runner } = parts;
  const { execution, timetable, queueStats } = parts;
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
    dashboardDir: options.dashboardDir,
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
      // A reconnect storm (every client of a node back at once) must not overflow the accept queue:
      // each dropped SYN costs its client 1, 2, 4 s of retransmits. The kernel caps it at somaxconn.
      listenOn: { port: config.port, host: config.host, backlog: LISTEN_BACKLOG },
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
