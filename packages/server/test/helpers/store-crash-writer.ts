/**
 * Child process of the outbox crash test: a burst of transactions, each a posting and its event, with a
 * relay publishing alongside. Prints `commit <posting id>` after each commit and `publish <key>` as each
 * event is handed over, then keeps writing until it is killed. Usage: store-crash-writer.ts <DATABASE_URL>
 */
import { OutboxRelay, openStore } from '../../src/store/index.js';
import { postingRow } from './store-rows.js';
import { draft } from './drafts.js';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: store-crash-writer.ts <DATABASE_URL>');

const store = await openStore(url);
// Writes to a pipe are synchronous on Linux, so a printed line happened before any later kill. Each
// publish takes a millisecond, so the relay lags behind the writes and the kill leaves some pending.
const relay = new OutboxRelay(
  store,
  async (input) => {
    process.stdout.write(`publish ${input.idempotencyKey}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  },
  { pollMs: 5, batchSize: 7 },
);
relay.start();
process.stdout.write('ready\n');

// Bounded, so that a test that fails to kill it does not leave it running for ever.
const deadline = Date.now() + 20_000;
while (Date.now() < deadline) {
  const id = await store.transaction(async (tx) => {
    const { id } = await tx.db
      .insertInto('postings')
      .values(postingRow({ company: 'crash' }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.emit(draft('postings', 'posting.created', { id }));
    return id;
  });
  process.stdout.write(`commit ${id}\n`);
}
await relay.stop();
await store.close();
