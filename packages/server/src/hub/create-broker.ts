import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Broker } from './broker.js';
import { MemoryBroker } from './memory-broker.js';

/**
 * The broker the configuration asks for: Redis (shared by a cluster) when REDIS_URL is set, else the
 * embedded one. Rejects, naming REDIS_URL, when Redis cannot be reached. Only this file knows the
 * concrete brokers.
 */
export async function createBroker(
  config: Pick<Config, 'historySize' | 'historyAgeMs' | 'redisUrl' | 'redisPrefix'>,
  logger?: Logger,
): Promise<Broker> {
  const limits = { maxEvents: config.historySize, maxAgeMs: config.historyAgeMs };
  if (config.redisUrl !== undefined) {
    // Loaded only for a cluster: a single node never pays for ioredis.
    const { RedisBroker } = await import('./redis-broker.js');
    try {
      return await RedisBroker.connect({ url: config.redisUrl, prefix: config.redisPrefix, limits, logger });
    } catch (error) {
      // Stops the start with the message alone, like a bad setting.
      throw new ConfigError(error instanceof Error ? error.message : String(error));
    }
  }
  return new MemoryBroker(limits);
}
