import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { requireRole } from '../domain/access.js';
import type { ConnectionRegistry } from '../gateway/registry.js';
import type { Hub } from '../hub/hub.js';
import type { WorkerHealth } from '../work/runner.js';

/** Topics listed per node and in the merged list: the ones with the most subscribers. */
export const ADMIN_TOPICS_LISTED = 200;
/** Nodes and workers listed at most (a cluster larger than this is cut, the count says so). */
const MAX_NODES = 100;
const MAX_WORKERS = 200;

const Connections = z.object({
  total: z.number().int(),
  by_endpoint: z.record(z.string(), z.number().int()),
});
const Topic = z.object({ topic: z.string(), subscribers: z.number().int(), last_seq: z.number().int() });
const NodeSnapshot = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  started_at: z.string(),
  updated_at: z.string(),
  connections: Connections,
  subscriptions: z.number().int(),
  topics_total: z.number().int(),
  topics: z.array(Topic),
});
type NodeSnapshot = z.infer<typeof NodeSnapshot>;
const Worker = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  concurrency: z.number().int(),
  running: z.number().int(),
});
type Worker = z.infer<typeof Worker>;

/** `GET /api/v1/admin/realtime`: every node's connections and topics, and the work queue's workers. */
export const AdminRealtimeResource = z.object({
  generated_at: z.string(),
  /** The node that answered. */
  node: z.string(),
  /** Whether nodes share Redis (then every live node is listed, each as its last snapshot shows it). */
  cluster: z.boolean(),
  nodes: z.array(NodeSnapshot.extend({ self: z.boolean() })),
  connections: Connections,
  topics: z.object({
    /** Topics subscribed on some node (a topic on two nodes counts twice). */
    total: z.number().int(),
    top: z.array(Topic.extend({ nodes: z.number().int() })),
  }),
  workers: z.object({
    alive: z.number().int(),
    concurrency: z.number().int(),
    running: z.number().int(),
    list: z.array(Worker),
  }),
});
export type AdminRealtimeResource = z.infer<typeof AdminRealtimeResource>;

export interface AdminRouteDeps {
  readonly config: { readonly redisUrl?: string | undefined; readonly redisPrefix: string };
  readonly hub: Hub;
  readonly registry: ConnectionRegistry;
  /** The work runner's health (embedded runner or BullMQ roster). */
  readonly workers: () => WorkerHealth;
  /** How often a clustered node writes its snapshot to Redis. @default 5000 */
  readonly snapshotMs?: number;
}

/**
 * The admin view of the real-time side (admins only; others get 403). On one node it is that node's
 * registry and hub. With Redis, each node writes its snapshot every few seconds under its own key with
 * a time to live, and indexes it in a sorted set by time; the endpoint reads every node still fresh.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const view = new RealtimeView(deps);
  view.start();
  app.addHook('onClose', async () => view.stop());
  app.get('/api/v1/admin/realtime', { schema: { tags: ['admin'] } }, async (req) => {
    requireRole(req.principal, 'admin');
    return view.read();
  });
}

class RealtimeView {
  readonly #deps: AdminRouteDeps;
  readonly #id = randomUUID().slice(0, 8);
  readonly #host = hostname();
  readonly #startedAt = new Date().toISOString();
  readonly #redis: Redis | undefined;
  readonly #nodesKey: string;
  readonly #prefix: string;
  readonly #snapshotMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: AdminRouteDeps) {
    this.#deps = deps;
    this.#prefix = deps.config.redisPrefix;
    this.#nodesKey = `${this.#prefix}admin:nodes`;
    this.#snapshotMs = deps.snapshotMs ?? 5000;
    this.#redis =
      deps.config.redisUrl === undefined
        ? undefined
        : new Redis(deps.config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true }).on(
            'error',
            () => undefined,
          );
  }

  start(): void {
    if (!this.#redis) return;
    const write = () => void this.#write().catch(() => undefined);
    write();
    this.#timer = setInterval(write, this.#snapshotMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    const redis = this.#redis;
    if (!redis) return;
    await Promise.race([
      redis
        .multi()
        .del(this.#nodeKey(this.#id))
        .zrem(this.#nodesKey, this.#id)
        .exec()
        .catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
    redis.disconnect();
  }

  #nodeKey(id: string): string {
    return `${this.#prefix}admin:node:${id}`;
  }

  #ttlMs(): number {
    return this.#snapshotMs * 3;
  }

  async #local(): Promise<NodeSnapshot> {
    const { registry, hub } = this.#deps;
    const topics = await hub.topics(ADMIN_TOPICS_LISTED);
    return {
      id: this.#id,
      host: this.#host,
      pid: process.pid,
      started_at: this.#startedAt,
      updated_at: new Date().toISOString(),
      connections: { total: registry.size, by_endpoint: registry.byEndpoint() },
      subscriptions: hub.stats().subscriptions,
      topics_total: topics.total,
      topics: topics.top.map((t) => ({ topic: t.topic, subscribers: t.subscribers, last_seq: t.lastSeq })),
    };
  }

  async #write(): Promise<void> {
    const redis = this.#redis;
    if (!redis) return;
    const now = Date.now();
    const snapshot = JSON.stringify(await this.#local());
    await redis
      .multi()
      .set(this.#nodeKey(this.#id), snapshot, 'PX', this.#ttlMs())
      .zadd(this.#nodesKey, now, this.#id)
      .zremrangebyscore(this.#nodesKey, '-inf', now - this.#ttlMs())
      .pexpire(this.#nodesKey, this.#ttlMs())
      .exec();
  }

  /** The other nodes' last snapshots (never this node's: it is read live). */
  async #others(): Promise<NodeSnapshot[]> {
    const redis = this.#redis;
    if (!redis) return [];
    const ids = (await redis.zrangebyscore(this.#nodesKey, Date.now() - this.#ttlMs(), '+inf')).filter(
      (id) => id !== this.#id,
    );
    const listed = ids.slice(0, MAX_NODES - 1);
    if (listed.length === 0) return [];
    const values = await redis.mget(listed.map((id) => this.#nodeKey(id)));
    const nodes: NodeSnapshot[] = [];
    for (const value of values) {
      if (value === null) continue;
      const parsed = NodeSnapshot.safeParse(JSON.parse(value));
      if (parsed.success) nodes.push(parsed.data);
    }
    return nodes;
  }

  /** The BullMQ workers' heartbeats (with Redis), or this node's embedded runner. */
  async #workers(): Promise<Worker[]> {
    const redis = this.#redis;
    const health = this.#deps.workers();
    if (!redis) {
      if (health.alive === 0) return [];
      const { concurrency, running } = health;
      return [{ id: this.#id, host: this.#host, pid: process.pid, concurrency, running }];
    }
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${this.#prefix}workers:*`, 'COUNT', 100);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0' && keys.length < MAX_WORKERS);
    const values = keys.length > 0 ? await redis.mget(keys.slice(0, MAX_WORKERS)) : [];
    const workers: Worker[] = [];
    for (const value of values) {
      if (value === null) continue;
      const parsed = Worker.safeParse(JSON.parse(value));
      if (parsed.success) workers.push(parsed.data);
    }
    return workers.sort((a, b) => (a.host + a.id < b.host + b.id ? -1 : 1));
  }

  async read(): Promise<AdminRealtimeResource> {
    // Redis away: this node alone, as it is now.
    const [local, others, workers] = await Promise.all([
      this.#local(),
      this.#others().catch(() => []),
      this.#workers().catch(() => []),
    ]);
    const nodes = [{ ...local, self: true }, ...others.map((node) => ({ ...node, self: false }))];
    const byEndpoint: Record<string, number> = {};
    const merged = new Map<string, { topic: string; subscribers: number; last_seq: number; nodes: number }>();
    let topicsTotal = 0;
    for (const node of nodes) {
      topicsTotal += node.topics_total;
      for (const [endpoint, count] of Object.entries(node.connections.by_endpoint)) {
        byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + count;
      }
      for (const t of node.topics) {
        const seen = merged.get(t.topic);
        if (seen) {
          seen.subscribers += t.subscribers;
          seen.last_seq = Math.max(seen.last_seq, t.last_seq);
          seen.nodes++;
        } else merged.set(t.topic, { ...t, nodes: 1 });
      }
    }
    const top = [...merged.values()]
      .sort((a, b) => b.subscribers - a.subscribers || (a.topic < b.topic ? -1 : 1))
      .slice(0, ADMIN_TOPICS_LISTED);
    const health = this.#deps.workers();
    return {
      generated_at: new Date().toISOString(),
      node: this.#id,
      cluster: this.#redis !== undefined,
      nodes,
      connections: { total: nodes.reduce((sum, n) => sum + n.connections.total, 0), by_endpoint: byEndpoint },
      topics: { total: topicsTotal, top },
      workers: { ...health, list: workers },
    };
  }
}
