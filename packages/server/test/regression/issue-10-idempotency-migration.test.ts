import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Migrator } from 'kysely';
import { createMigrations } from '../../src/store/migrations/index.js';
import { storeBackends } from '../helpers/store-backends.js';

// Issue #10: answers kept for anonymous callers (a login's access token among them) could be replayed
// to anyone. The migration that adds request fingerprints drops them from existing databases.

for (const backend of await storeBackends()) {
  describe(`idempotency fingerprint migration on ${backend.name}`, { skip: backend.skip }, () => {
    test('drops the answers kept for anonymous callers and keeps users’ (unfingerprinted)', async (t) => {
      const store = await (await backend.database(t)).open();
      const migrations = createMigrations(backend.name);
      const migrator = new Migrator({
        db: store.db,
        provider: { getMigrations: () => Promise.resolve(migrations) },
      });
      const down = await migrator.migrateTo('0004_sources');
      assert.equal(down.error, undefined);
      const row = {
        key: 'k',
        request: 'POST /api/v1/auth/login',
        status_code: 200,
        response_body: '{"access_token":"secret"}',
        created_at: new Date().toISOString(),
      };
      // The table as 0004 left it: no fingerprint column yet.
      const before = store.db.withTables<{ idempotency_keys: typeof row & { scope: string } }>();
      await before
        .insertInto('idempotency_keys')
        .values([
          { ...row, scope: 'anon' },
          { ...row, scope: 'user-1', request: 'POST /api/v1/jobs', response_body: '{"id":1}' },
        ])
        .execute();
      const up = await migrator.migrateToLatest();
      assert.equal(up.error, undefined);
      const left = await store.db.selectFrom('idempotency_keys').selectAll().execute();
      assert.deepEqual(
        left.map((r) => [r.scope, r.response_body, r.fingerprint]),
        [['user-1', '{"id":1}', '']],
      );
    });
  });
}
