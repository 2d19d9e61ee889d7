import type { FastifyInstance } from 'fastify';
import type { Broker } from '../hub/broker.js';
import type { Hub } from '../hub/hub.js';
import type { ConnectionRegistry } from '../gateway/registry.js';

export interface StatusRouteDeps {
  readonly hub: Hub;
  readonly broker: Broker;
  readonly registry: ConnectionRegistry;
  readonly version: string;
  /** The work runner's health (workers alive, their concurrency and load), when it has one. */
  readonly workers?: () => { alive: number; concurrency: number; running: number };
}

/** Health and statistics. */
export function registerStatusRoutes(app: FastifyInstance, deps: StatusRouteDeps): void {
  const started = Date.now();
  const health = () => ({
    status: 'ok',
    version: deps.version,
    uptime_s: Math.round((Date.now() - started) / 1000),
  });
  app.get('/health', health);
  app.get('/api/v1/health', health);

  app.get('/api/v1/stats', () => {
    const hub = deps.hub.stats();
    const broker = deps.broker.stats();
    return {
      connections: { total: deps.registry.size, by_endpoint: deps.registry.byEndpoint() },
      topics: { subscribed: hub.localTopics, known: broker.topics },
      subscriptions: hub.subscriptions,
      events: { published: hub.published, delivered: hub.delivered, in_history: broker.historyEvents },
      ...(deps.workers ? { workers: deps.workers() } : {}),
      process: { rss_bytes: process.memoryUsage.rss(), uptime_s: Math.round((Date.now() - started) / 1000) },
    };
  });
}
