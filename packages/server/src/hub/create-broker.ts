import type { Config } from '../config.js';
import type { Broker } from './broker.js';
import { MemoryBroker } from './memory-broker.js';

/** The broker the configuration asks for. Only this file knows the concrete brokers. */
export function createBroker(config: Pick<Config, 'historySize' | 'historyAgeMs' | 'redisUrl'>): Broker {
  if (config.redisUrl !== undefined) {
    // The Redis broker lands with the scale-out work; until then a cluster cannot share history.
    throw new Error('REDIS_URL is set, but this build has only the embedded broker; unset REDIS_URL');
  }
  return new MemoryBroker({ maxEvents: config.historySize, maxAgeMs: config.historyAgeMs });
}
