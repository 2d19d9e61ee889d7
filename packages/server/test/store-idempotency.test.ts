import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deleteExpiredIdempotentResponses,
  findIdempotentResponse,
  saveIdempotentResponse,
} from '../src/store/index.js';
import { storeBackends } from './helpers/store-backends.js';

const answer = (body: string) => ({
  scope: 'user-1',
  key: 'key-1',
  request: 'POST /api/v1/jobs',
  status_code: 201,
  response_body: body,
});

for (const backend of await storeBackends()) {
  describe(`idempotency keys on ${backend.name}`, { skip: backend.skip }, () => {
    test('a saved answer is found again; the first answer wins over a second', async (t) => {
      const { db } = await (await backend.database(t)).open();
      assert.equal(await findIdempotentResponse(db, 'user-1', 'key-1'), undefined);
      const first = await saveIdempotentResponse(db, answer('{"id":1}'));
      assert.equal(first.inserted, true);
      const second = await saveIdempotentResponse(db, answer('{"id":2}'));
      assert.equal(second.inserted, false);
      assert.equal(second.response.response_body, '{"id":1}');
      const found = await findIdempotentResponse(db, 'user-1', 'key-1');
      assert.equal(found?.response_body, '{"id":1}');
      assert.equal(found?.status_code, 201);
      assert.equal(await findIdempotentResponse(db, 'user-2', 'key-1'), undefined, 'keys are per scope');
    });

    test('concurrent saves of one key store exactly one answer', async (t) => {
      const { db } = await (await backend.database(t)).open();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => saveIdempotentResponse(db, answer(`{"id":${i}}`))),
      );
      assert.equal(results.filter((r) => r.inserted).length, 1);
      const winner = results.find((r) => r.inserted)!.response.response_body;
      assert.ok(results.every((r) => r.response.response_body === winner));
    });

    test('answers older than a day are not found, are replaced, and are cleaned up', async (t) => {
      const { db } = await (await backend.database(t)).open();
      const old = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
      await saveIdempotentResponse(db, { ...answer('{"old":true}'), created_at: old });
      await saveIdempotentResponse(db, { ...answer('{}'), key: 'key-2', created_at: old });
      assert.equal(await findIdempotentResponse(db, 'user-1', 'key-1'), undefined);
      const replaced = await saveIdempotentResponse(db, answer('{"new":true}'));
      assert.equal(replaced.inserted, true);
      assert.equal((await findIdempotentResponse(db, 'user-1', 'key-1'))?.response_body, '{"new":true}');
      assert.equal(await deleteExpiredIdempotentResponses(db), 1);
      const left = await db.selectFrom('idempotency_keys').select('key').execute();
      assert.deepEqual(left, [{ key: 'key-1' }]);
    });
  });
}
