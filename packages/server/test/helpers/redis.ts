import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';

/** The Redis the tests use; override with TEST_REDIS_URL. Tests share it, each under its own prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connection of a test, closed when the test ends. */
export function redisClient(t: TestContext): Redis {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  t.after(() => client.quit().catch(() => client.disconnect()));
  return client;
}

/**
 * Why Redis tests are skipped, or undefined when they run. Under CI a missing Redis is a failure, not
 * a skip: the tests then run and fail on the connection.
 */
export async function redisSkip(): Promise<string | undefined> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
  });
  let reason: string | undefined;
  client.on('error', (error: Error) => (reason = error.message));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    const why = reason ?? (error instanceof Error ? error.message : String(error));
    const message = `Redis is unreachable at ${new URL(TEST_REDIS_URL).host} (${why}); set TEST_REDIS_URL or start it`;
    return process.env.CI === 'true' ? undefined : message;
  } finally {
    client.disconnect();
  }
}

/** A key prefix of one test; its keys are deleted when the test ends (never FLUSHALL: Redis is shared). */
export function redisPrefix(t: TestContext): string {
  const prefix = `jobstream-test:${randomBytes(6).toString('hex')}:`;
  t.after(() => deleteKeys(prefix).catch(() => undefined));
  return prefix;
}

/** Deletes every key under `prefix` (what a flushed Redis would have lost); answers how many. */
export async function deleteKeys(prefix: string): Promise<number> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
