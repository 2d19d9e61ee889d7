import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

/** Every WebSocket endpoint, as its document names it (a trailing slash where the document has one). */
const paths = [
  '/ws',
  '/api/v1/ws',
  '/api/ws/jobs',
  '/api/v1/ws/jobs',
  '/ws/notifications/',
  '/ws/matching-jobs/00000000-0000-4000-8000-000000000000',
];

test('a plain HTTP request to a WebSocket endpoint is 426 Upgrade Required, saying how to connect', async (t) => {
  const { url, wsUrl } = await startServer(t);
  for (const path of paths) {
    // What job-feed.md's troubleshooting does: `curl -i http://localhost:8000/api/v1/ws/jobs`.
    const res = await fetch(`${url}${path}?token=x`);
    assert.equal(res.status, 426, path);
    assert.equal(res.headers.get('upgrade'), 'websocket', path);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'upgrade_required', path);
    assert.match(body.error.message, /is a WebSocket endpoint: connect with a WebSocket client/, path);
    assert.ok(!body.error.message.includes('token'), 'the query is not echoed');
  }
  // Other paths are still 404, and the endpoints themselves still take WebSocket clients.
  assert.equal((await fetch(`${url}/ws/nothing-here`)).status, 404);
  const client = await TestClient.connect(t, `${wsUrl}/ws`);
  assert.equal(client.received[0]?.type, 'welcome');
});
