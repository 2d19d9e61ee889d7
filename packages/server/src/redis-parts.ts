import { ConfigError } from './config-error.js';

/** REDIS_HOST, REDIS_PORT, REDIS_DB and REDIS_PASSWORD as loaded (unset ones undefined). */
export interface RedisParts {
  redisHost?: string | undefined;
  redisPort?: number | undefined;
  redisDb?: number | undefined;
  redisPassword?: string | undefined;
}

/**
 * The Redis URL the documents' variables describe (notifications.md sets REDIS_HOST, REDIS_PORT,
 * REDIS_DB and REDIS_PASSWORD, not REDIS_URL): `redis://[:password@]host:port/db`, undefined when
 * REDIS_HOST is unset. Port, db or password without a host is refused: the Redis they meant is unknown,
 * and silently running embedded would hide that.
 */
export function redisUrlFromParts(parts: RedisParts): string | undefined {
  const { redisHost: host, redisPort: port, redisDb: db, redisPassword: password } = parts;
  if (host === undefined) {
    const stray = [
      port !== undefined && 'REDIS_PORT',
      db !== undefined && 'REDIS_DB',
      password !== undefined && 'REDIS_PASSWORD',
    ].filter(Boolean);
    if (stray.length === 0) return undefined;
    throw new ConfigError(`${stray.join(', ')} set without REDIS_HOST (or REDIS_URL): set REDIS_HOST too`);
  }
  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `redis://${auth}${name}:${port ?? 6379}/${db ?? 0}`;
}
