import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawExchange, upgradeRequest } from '../helpers/raw-http.js';
import { spawnServer } from '../helpers/server.js';

// Issue #10: a WebSocket upgrade whose target could not be parsed threw inside the `upgrade` handler
// and ended the process. The server runs as a child process here, so that a crash is seen, not suffered.

const malformed = [
  '/ws/matching-jobs/%zz', // a bad percent-escape in a path parameter
  '/ws/matching-jobs/%', // a truncated one
  '/ws/matching-jobs/%E0%A4%A', // a truncated UTF-8 sequence
  'http://[', // an absolute-form target with a bad host
  'http://[::1/ws',
];

test('an upgrade whose target cannot be parsed is answered 400, and the server goes on', async (t) => {
  const server = await spawnServer(t);
  const { port } = new URL(server.url);
  for (const target of malformed) {
    const answer = await rawExchange(Number(port), upgradeRequest(target));
    assert.match(answer.head, /^HTTP\/1\.1 400 /, `${target}: ${answer.head}`);
    assert.deepEqual(
      JSON.parse(answer.body),
      { error: { code: 'invalid_message', message: 'malformed request target' } },
      target,
    );
    assert.ok(answer.closedByServer, `${target}: the server closes the socket after its answer`);
  }
  // A well-formed target on no endpoint is a 404 in the same shape; a good one still upgrades.
  const missing = await rawExchange(Number(port), upgradeRequest('/ws/nowhere'));
  assert.match(missing.head, /^HTTP\/1\.1 404 /);
  assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'not_found');
  const good = await rawExchange(Number(port), upgradeRequest('/ws'), { untilHead: true });
  assert.match(good.head, /^HTTP\/1\.1 101 /);

  assert.equal(server.child.exitCode, null, 'the server is still running');
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
});

// The refusal of an unknown path was written to a socket with no 'error' listener (Node removes its
// own before the upgrade event): a client that reset the connection first crashed the server.
test('a client that resets its connection during the upgrade ends nothing but itself', async (t) => {
  const server = await spawnServer(t);
  const { port } = new URL(server.url);
  for (let i = 0; i < 20; i++) {
    for (const target of ['/ws/nowhere', '/ws']) {
      await rawExchange(Number(port), upgradeRequest(target), { reset: true });
    }
  }
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  assert.equal(server.child.exitCode, null);
});

// Node emits an upgrade pipelined behind another request at once: its 101 overtook the answer to that
// request, which then landed inside the WebSocket stream as garbage.
test('an upgrade pipelined behind a request is refused after that request is answered', async (t) => {
  const server = await spawnServer(t);
  const { port } = new URL(server.url);
  const health = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const answer = await rawExchange(Number(port), health + upgradeRequest('/ws'));
  const text = answer.raw.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 200 /, 'the first request is answered first');
  assert.doesNotMatch(text, /HTTP\/1\.1 101 /);
  assert.match(text, /\r\n\r\n\{"status":"ok".*\}HTTP\/1\.1 400 Bad Request\r\n/s);
  assert.ok(answer.closedByServer);
});
