import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUp } from '../helpers/api.js';
import { clientFrame, RawWs } from '../helpers/raw-ws.js';
import { startServer } from '../helpers/server.js';

// Issue #10: a client message nested a few thousand deep could be parsed but not quoted back
// (JSON.stringify overflows the stack): channels answered "internal error", notifications answered
// nothing at all. Deeper than 32 levels is now refused at the edge with each dialect's own error.

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
type Message = Record<string, unknown>;
const parsed = (client: RawWs): Message[] => client.texts().map((text) => JSON.parse(text) as Message);

test('a deeply nested field gets the dialect error, then the connection goes on', async (t) => {
  const { url } = await startServer(t);
  const port = Number(new URL(url).port);
  const seeker = await signUp(url, 'Ada', 'job_seeker');
  const cases = [
    {
      path: '/api/v1/ws',
      deep: `{"action":${deep(5000)}}`,
      ping: '{"action":"ping"}',
      answers: (m: Message[]) =>
        m.filter((x) => x.type !== 'system.connected').map((x) => [x.type, x.message]),
      expected: [
        ['system.error', 'Invalid message: nested more than 32 levels deep'],
        ['system.pong', undefined],
      ],
    },
    {
      path: `/ws/notifications/?token=${seeker.token}`,
      deep: `{"type":${deep(5000)}}`,
      ping: '{"type":"ping"}',
      answers: (m: Message[]) =>
        m.filter((x) => x.type !== 'connection_established').map((x) => [x.type, x.message]),
      expected: [
        ['error', 'Invalid message format: nested more than 32 levels deep'],
        ['pong', undefined],
      ],
    },
    {
      path: '/ws',
      deep: `{"type":"subscribe","topic":"postings","types":${deep(5000)}}`,
      ping: '{"type":"ping"}',
      answers: (m: Message[]) => m.filter((x) => x.type !== 'welcome').map((x) => [x.type, x.message]),
      expected: [
        ['error', 'a message nested more than 32 levels deep'],
        ['pong', undefined],
      ],
    },
  ];
  for (const c of cases) {
    const client = await RawWs.open(port, c.path);
    t.after(() => client.socket.destroy());
    client.write(Buffer.concat([clientFrame(c.deep), clientFrame(c.ping)]));
    assert.ok(await client.until(() => c.answers(parsed(client)).length >= 2), c.path);
    assert.deepEqual(c.answers(parsed(client)), c.expected, c.path);
  }
});
