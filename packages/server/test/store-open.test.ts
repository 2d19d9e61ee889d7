import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore, parseDatabaseUrl } from '../src/store/index.js';
import { draft } from './helpers/drafts.js';

test('DATABASE_URL forms are read, and a bad one is named without its secrets', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite:./data/jobstream.db', '/srv/app'), {
    dialect: 'sqlite',
    file: '/srv/app/data/jobstream.db',
  });
  assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/js.db', '/srv/app'), {
    dialect: 'sqlite',
    file: '/var/lib/js.db',
  });
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', file: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('postgresql://u:p@db/js'), {
    dialect: 'postgres',
    url: 'postgresql://u:p@db/js',
  });
  assert.throws(
    () => parseDatabaseUrl('mysql://u:secret@db/js'),
    (error: Error) => {
      assert.match(error.message, /DATABASE_URL/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    },
  );
  assert.throws(() => parseDatabaseUrl('sqlite:'), /DATABASE_URL/);
});

test('a SQLite store creates its folder and file, in WAL mode with foreign keys on', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'jobstream-open-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const file = join(root, 'nested', 'deeper', 'jobstream.db');
  const store = await openStore(`sqlite:${file}`);
  t.after(() => store.close());
  assert.equal(store.dialect, 'sqlite');
  assert.equal(store.dataDir, join(root, 'nested', 'deeper'));
  assert.ok(existsSync(file));
  const pragma = async (name: string) =>
    Object.values(
      (await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db)).rows[0]!,
    )[0];
  assert.equal(await pragma('journal_mode'), 'wal');
  assert.equal(await pragma('foreign_keys'), 1);
  assert.equal(await pragma('busy_timeout'), 5000);
});

test('an in-memory SQLite store works and removes its data folder on close', async () => {
  const store = await openStore('sqlite::memory:');
  assert.ok(existsSync(store.dataDir));
  await store.transaction((tx) => tx.emit(draft('system', 'system.notification', {})));
  const rows = await store.db.selectFrom('outbox').select('id').execute();
  assert.deepEqual(rows, [{ id: 1 }]);
  await store.close();
  await store.close();
  assert.equal(existsSync(store.dataDir), false);
});

test('an unreachable PostgreSQL makes openStore reject', async () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  await assert.rejects(openStore('postgres://postgres@127.0.0.1:1/none'), /migration failed|ECONNREFUSED/);
});
