import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Backend } from './backend.js';
import type { Database } from './schema.js';

/** Advisory lock keys (two int4s: a namespace for Jobstream, then the lock). */
const LOCK_NAMESPACE = 0x4a_53_54_52; // "JSTR"
const OUTBOX_WRITE_LOCK = 1;
const OUTBOX_RELAY_LOCK = 2;

const { builtins } = pg.types;
const NUMBER_OIDS = new Set<number>([builtins.INT8, builtins.NUMERIC]);
const parseNumber = (value: string): number => Number(value);

/**
 * int8 (counts, bigserial ids) and numeric come back as JS numbers rather than strings. Set on this
 * pool only, so other pg users in the process keep the library's defaults.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    format !== 'binary' && NUMBER_OIDS.has(oid)
      ? parseNumber
      : (pg.types.getTypeParser(oid, format) as unknown),
};

/** PostgreSQL through a pg Pool; data files go to ./data under the working directory. */
export async function createPostgresBackend(url: string, logger?: Logger): Promise<Backend> {
  const dataDir = resolve('data');
  await mkdir(dataDir, { recursive: true });
  const pool = new pg.Pool({
    connectionString: url,
    types: typeParsers,
    max: 10,
    // Without a timeout, an unreachable host would leave openStore pending for ever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its connection emits 'error'; unhandled, that would end the process.
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  logger?.debug({ dialect: 'postgres' }, 'store opened');

  return {
    dialect: 'postgres',
    db,
    dataDir,
    // Held until commit: emitting transactions take outbox ids one after the other, in commit order.
    // Taken just before the outbox insert, after all of fn's row locks, so it cannot deadlock with them.
    lockOutboxWrites: async (trx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${OUTBOX_WRITE_LOCK})`.execute(trx);
    },
    withOutboxLock: (fn) =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{
          locked: boolean;
        }>`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, ${OUTBOX_RELAY_LOCK}) as locked`.execute(trx);
        if (rows[0]?.locked !== true) return { ran: false } as const;
        return { ran: true, value: await fn(trx) } as const;
      }),
    close: () => db.destroy(),
  };
}
