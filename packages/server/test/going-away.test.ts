import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode } from '@jobstream/protocol';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';
import { shortMatchingRun as matchingRun } from './helpers/matching-run.js';

test('at shutdown each endpoint goes away as its original server did (spec/README "Going away")', async (t) => {
  const { url, wsUrl, server } = await startServer(t);
  const user = await signUp(url, 'Gia', 'recruiter');
  const jobId = await matchingRun(user.call);
  const auth = `?token=${user.token}`;
  // [path, the first message it sends (or the answer to a ping), the close a client sees]
  const endpoints = [
    ['/ws', 'welcome', CloseCode.serviceRestart], // native: 1012 with a retry hint
    ['/api/v1/ws', 'system.connected', CloseCode.serviceRestart], // uvicorn
    ['/api/ws/jobs', 'pong', CloseCode.serviceRestart], // uvicorn
    ['/api/v1/ws/jobs', 'connected', CloseCode.serviceRestart], // uvicorn
    ['/ws/notifications/', 'connection_established', 1006], // Daphne: no close frame
    [`/ws/matching-jobs/${jobId}`, 'matching.job.status', 1006], // Daphne
  ] as const;
  const clients = await Promise.all(
    endpoints.map(async ([path, first]) => {
      const client = new TestClient(`${wsUrl}${path}${auth}`);
      t.after(() => client.ws.terminate());
      if (first === 'pong') {
        await new Promise((resolve) => client.ws.once('open', resolve));
        client.send({ type: 'ping' });
      }
      await client.next(first);
      return client;
    }),
  );
  await server.close();
  const closes = await Promise.all(clients.map((client) => client.closed));
  for (const [i, [path, , code]] of endpoints.entries()) {
    assert.equal(closes[i]!.code, code, `${path} closed with ${closes[i]!.code}`);
  }
  assert.match(closes[0]!.reason, /retry_ms=\d+/, 'native /ws says when to come back');
});
