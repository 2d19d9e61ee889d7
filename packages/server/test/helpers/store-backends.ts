import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import pg from 'pg';
import { openStore, type Store, type StoreDialect } from '../../src/store/index.js';

/** The server that test databases are made on; override with TEST_POSTGRES_URL. */
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One backend the store suite runs against. */
export interface StoreBackend {
  readonly name: StoreDialect;
  /** Why this backend's tests are skipped, or undefined when they run. */
  readonly skip: string | undefined;
  /** A fresh, empty database for one test, removed when the test ends. */
  database(t: TestContext): Promise<TestDatabase>;
}

/** A database of one test; every store opened through it is closed before the database goes. */
export class TestDatabase {
  readonly url: string;
  readonly #stores: Store[] = [];

  constructor(t: TestContext, url: string, remove: () => Promise<void>) {
    this.url = url;
    t.after(async () => {
      await Promise.all(this.#stores.map((store) => store.close()));
      await remove();
    });
  }

  /** Opens (and migrates) a store on this database. */
  async open(): Promise<Store> {
    const store = await openStore(this.url);
    this.#stores.push(store);
    return store;
  }
}

const sqlite: StoreBackend = {
  name: 'sqlite',
  skip: undefined,
  async database(t) {
    const dir = await mkdtemp(join(tmpdir(), 'jobstream-store-'));
    return new TestDatabase(t, `sqlite:${join(dir, 'jobstream.db')}`, () =>
      rm(dir, { recursive: true, force: true }),
    );
  },
};

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const withAdmin = <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => withClient(ADMIN_URL, fn);

function postgres(unreachable: string | undefined): StoreBackend {
  // One database per test process (created on first use, dropped when the file's tests end), and a
  // fresh schema in it per test: much faster than a database per test, and as isolated.
  const name = `jobstream_test_${randomBytes(6).toString('hex')}`;
  let created: Promise<void> | undefined;
  if (unreachable === undefined) {
    after(async () => {
      if (created === undefined) return;
      await created.catch(() => undefined);
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    });
  }
  return {
    name: 'postgres',
    // Under CI a missing PostgreSQL is a failure, not a skip: every test below then fails with it.
    skip: process.env.CI === 'true' ? undefined : unreachable,
    async database(t) {
      if (unreachable !== undefined) throw new Error(unreachable);
      created ??= withAdmin((client) => client.query(`create database ${name}`)).then(() => undefined);
      await created;
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      await withClient(url.toString(), (client) => client.query(`create schema ${schema}`));
      url.searchParams.set('options', `-c search_path=${schema}`);
      return new TestDatabase(t, url.toString(), () =>
        withClient(url.toString(), (client) => client.query(`drop schema ${schema} cascade`)).then(
          () => undefined,
        ),
      );
    },
  };
}

async function probePostgres(): Promise<string | undefined> {
  try {
    await withAdmin((client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `PostgreSQL is unreachable at ${new URL(ADMIN_URL).host} (${reason}); set TEST_POSTGRES_URL or start it`;
  }
}

/** The backends named by STORES (`sqlite,postgres` by default), PostgreSQL probed once. */
export async function storeBackends(): Promise<StoreBackend[]> {
  const wanted = (process.env.STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  const backends: StoreBackend[] = [];
  if (wanted.includes('sqlite')) backends.push(sqlite);
  if (wanted.includes('postgres')) backends.push(postgres(await probePostgres()));
  return backends;
}

/** Polls until check() holds, failing after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
