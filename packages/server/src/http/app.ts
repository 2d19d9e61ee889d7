import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { JobstreamAuthorizer } from '../auth/authorizer.js';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { registerDemoBoards, type DemoBoards } from '../demo/seed.js';
import { ApplicationService } from '../domain/applications.js';
import { AtsService } from '../domain/ats.js';
import { FollowupService } from '../domain/followups.js';
import { InboxService } from '../domain/inbox-service.js';
import { InterviewService } from '../domain/interviews.js';
import { NotificationService } from '../domain/notifications.js';
import type { ProfileService } from '../domain/profiles.js';
import type { UserService } from '../domain/users.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../logger.js';
import type { MeteredBroker } from '../metrics/metered-broker.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { fastifyTrustProxy } from '../network-settings.js';
import type { WebPush } from '../push/web-push.js';
import type { Store } from '../store/store.js';
import { version } from '../version.js';
import type { WorkerHealth } from '../work/runner.js';
import type { WorkParts } from '../work/work-node.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerAnalysisRoutes } from './analysis-routes.js';
import { registerAsyncApi } from './asyncapi/asyncapi-route.js';
import { registerAuth } from './auth-plugin.js';
import { registerAuthRateLimit } from './auth-rate-limit.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerCors } from './cors.js';
import { registerDomainRoutes } from './domain-routes.js';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  ignoreUnknownExpectations,
  installErrorHandler,
} from './error-handler.js';
import { registerIdempotency } from './idempotency.js';
import { registerInboxRoutes } from './inbox-routes.js';
import { registerJsonBody } from './json-body.js';
import { registerMatchingRoutes } from './matching-routes.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { registerOpenApi } from './openapi/openapi.js';
import { registerReadiness, type Phase } from './readiness.js';
import { registerRealtimeRoutes, type RealtimeRouteDeps } from './realtime-routes.js';
import { registerPushRoutes } from './push-routes.js';
import { registerRecommendationRoutes } from './recommendation-routes.js';
import { requestChildLogger, requestId, requestLogger } from './request-log.js';
import { registerRootPage } from './root-page.js';
import { registerScrapeRoutes } from './scrape-routes.js';
import { registerStatusRoutes } from './status-routes.js';
import { registerUpgradeRequired } from './upgrade-required.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { registerWorkRoutes } from './work-routes.js';

/** What the HTTP app serves: the node's parts, handed in by `server.ts`, which builds them. */
export interface HttpAppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly hub: Hub;
  /** Metered: its `ping` answers `/ready`'s Redis check. */
  readonly broker: MeteredBroker;
  readonly metrics: NodeMetrics;
  readonly authorizer: JobstreamAuthorizer;
  readonly tokens: TokenService;
  readonly users: UserService;
  readonly profiles: ProfileService;
  readonly work: WorkParts;
  /** The workers' health, for `/health` (embedded runner or BullMQ roster). */
  readonly workers: () => WorkerHealth;
  /** SSE and long-poll: the gateway's registry, scheduler and shutdown signal (gateway/gateway.ts). */
  readonly realtime: Omit<RealtimeRouteDeps, 'apiKey' | 'sendBufferBytes'>;
  /** Whether a path is a WebSocket endpoint's: a plain GET of it is told how to connect. */
  readonly isWebSocketPath: (pathname: string) => boolean;
  /** Where the node is in its life (lifecycle.ts), for `/ready`. */
  readonly phase: () => Phase;
  /** `serve --demo`: the demo's boards are served. */
  readonly demo: boolean;
  /** The built dashboard served at `/`. @default packages/web/dist */
  readonly dashboardDir?: string | undefined;
  /** Web Push (push/web-push.ts): its key and subscription routes. */
  readonly push?: WebPush;
}

export interface HttpApp {
  readonly app: FastifyInstance;
  /** The demo's boards, when `demo` is set: seeded once the port is open. */
  readonly demoBoards: DemoBoards | undefined;
}

/** The Fastify instance with its plugins and every route. It does not listen: the lifecycle does. */
export async function createHttpApp(deps: HttpAppDeps): Promise<HttpApp> {
  const { config, logger, store, hub, broker, metrics, authorizer, tokens, users, profiles } = deps;
  const { work, postings, matching, analyses, recommendations, sources, scrapes } = deps.work;
  const app = Fastify({
    // One line as each request comes and as it is answered, at info, with its reqId; no tokens.
    loggerInstance: requestLogger(logger),
    genReqId: requestId,
    childLoggerFactory: requestChildLogger,
    bodyLimit: config.maxPayloadBytes,
    forceCloseConnections: 'idle',
    // TRUST_PROXY: which peers' X-Forwarded-For sets request.ip (rate limits key on it).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // What the router or Node's HTTP parser refuses answers in the documented error shape too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  ignoreUnknownExpectations(app.server);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // Before authentication: a plain GET of a WebSocket path is told how to connect, whatever it carries.
  registerUpgradeRequired(app, deps.isWebSocketPath);
  registerJsonBody(app, config.maxJsonDepth);
  // Any page may call the API (the documented browser examples run on another port); see http/cors.ts.
  await registerCors(app, config.corsOrigins);
  await registerAuthRateLimit(app, { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix });
  await registerOpenApi(app, version);
  registerAsyncApi(app, version);
  // Publishing authenticates with the API key, not a user token.
  registerAuth(app, {
    authorizer,
    authRequired: config.authRequired,
    skip: (request) =>
      request.routeOptions.url === '/api/v1/publish' || request.routeOptions.url === '/metrics',
  });
  registerIdempotency(app, store);

  // The routes, one registration each.
  registerStatusRoutes(app, {
    hub,
    broker,
    registry: deps.realtime.registry,
    version,
    workers: deps.workers,
  });
  registerAdminRoutes(app, { config, hub, registry: deps.realtime.registry, workers: deps.workers });
  registerReadiness(app, {
    phase: deps.phase,
    checks: {
      store: () => sql`select 1`.execute(store.db),
      ...(config.redisUrl === undefined ? {} : { redis: () => broker.ping(2000) }),
    },
  });
  registerMetricsRoutes(app, metrics, config.metricsToken);
  registerRealtimeRoutes(app, {
    ...deps.realtime,
    apiKey: config.apiKey,
    sendBufferBytes: config.sendBufferBytes,
  });
  registerAuthRoutes(app, {
    users,
    tokens,
    secureCookies: false,
    perMinute: { login: config.loginRateLimitPerMin, register: config.registerRateLimitPerMin },
  });
  const applications = new ApplicationService(store, { followupDays: config.followupDays });
  registerDomainRoutes(app, {
    postings,
    profiles,
    applications,
    interviews: new InterviewService(store),
    followups: new FollowupService(store),
    notifications: new NotificationService(store),
  });
  registerInboxRoutes(app, {
    inbox: new InboxService(store, { retentionDays: config.inboxRetentionDays }),
    applications,
  });
  registerWorkRoutes(app, work);
  registerMatchingRoutes(app, matching);
  registerAnalysisRoutes(app, analyses);
  registerScrapeRoutes(app, { sources, scrapes });
  registerWebhookRoutes(app, {
    ats: new AtsService(store, postings, { followupDays: config.followupDays }),
    secrets: {
      greenhouse: config.greenhouseWebhookSecret,
      lever: config.leverWebhookSecret,
      ashby: config.ashbyWebhookSecret,
    },
  });
  registerRecommendationRoutes(app, recommendations);
  if (deps.push) registerPushRoutes(app, deps.push);
  const demoBoards = deps.demo ? registerDemoBoards(app) : undefined;
  registerRootPage(app, { version, demo: deps.demo, distDir: deps.dashboardDir });
  return { app, demoBoards };
}
