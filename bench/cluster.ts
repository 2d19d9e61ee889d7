// What the Redis and cluster scenarios need around Jobstream: a fresh Redis
// key prefix (its keys deleted afterwards), a fresh PostgreSQL database
// (dropped afterwards) and several nodes sharing them.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SERVERS, startServer } from './server-process.js';
import type { RunningServer } from './server-process.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A database on this server is made (and dropped) for each cluster run. */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A key prefix of one run; `drop` deletes its keys (never FLUSHALL: the Redis may be shared). */
export function redisPrefix(): { prefix: string; drop: () => Promise<void> } {
  const prefix = `jobstream-bench:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async drop() {
      const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
      try {
        await client.connect();
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database; `drop` removes it (forcing its connections closed). */
export async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `jobstream_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export interface ClusterEnv {
  env: Record<string, string>;
  drop: () => Promise<void>;
}

/** Redis (fresh prefix) and, with postgres, a fresh PostgreSQL database; one JWT secret for all nodes. */
export async function clusterEnv(postgres: boolean): Promise<ClusterEnv> {
  const redis = redisPrefix();
  const db = postgres ? await postgresDatabase() : undefined;
  return {
    env: {
      REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ...(db ? { DATABASE_URL: db.url } : {}),
    },
    async drop() {
      await redis.drop().catch(() => undefined);
      await db?.drop().catch(() => undefined);
    },
  };
}

/** Start n Jobstream nodes one after another (the first migrates the store). */
export async function startNodes(
  n: number,
  root: string,
  apiKey: string,
  env: Record<string, string>,
): Promise<RunningServer[]> {
  const nodes: RunningServer[] = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await startServer(SERVERS.jobstream, root, apiKey, { env }));
  } catch (err) {
    await Promise.all(nodes.map((s) => s.stop()));
    throw err;
  }
  return nodes;
}
