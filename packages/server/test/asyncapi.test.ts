import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from '@asyncapi/parser';
import {
  ChannelsControlMessage,
  JobFeedServerMessage,
  JobQueueServerMessage,
  NotificationsServerMessage,
  ServerMessage,
} from '@jobstream/protocol';
import type { z } from 'zod';
import { signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { publish, TestClient } from './helpers/ws-client.js';

interface Channel {
  address: string;
  messages: Record<string, { $ref: string }>;
  'x-close-codes': { code: number; name: string; meaning: string }[];
}
interface Doc {
  asyncapi: string;
  channels: Record<string, Channel>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<string, { name: string; payload: { properties?: Record<string, unknown> } }>;
  };
}

const addresses = [
  '/ws',
  '/api/v1/ws',
  '/api/ws/jobs',
  '/api/v1/ws/jobs',
  '/ws/notifications/',
  '/ws/matching-jobs/{job_id}',
];

test('/asyncapi.json: a valid AsyncAPI 3.0 document of all six WebSocket APIs, both ways, with close codes', async (t) => {
  const { url } = await startServer(t);
  const res = await fetch(`${url}/asyncapi.json`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const { document, diagnostics } = await new Parser().parse(text);
  assert.deepEqual(
    // Spectral's severities: 0 error, 1 warning (2 information, 3 hint).
    diagnostics.filter((d) => Number(d.severity) < 2).map((d) => d.message),
    [],
    'no errors and no warnings',
  );
  assert.ok(document);
  const doc = JSON.parse(text) as Doc;
  assert.equal(doc.asyncapi, '3.0.0');
  const channels = Object.values(doc.channels);
  assert.deepEqual(channels.map((c) => c.address).sort(), [...addresses].sort());
  const names = (id: string, direction: 'send' | 'receive') =>
    Object.values(doc.operations)
      .filter((o) => o.channel.$ref === `#/channels/${id}` && o.action === direction)
      .flatMap((o) => o.messages.map((m) => m.$ref.split('/').at(-1)!));

  // Messages both ways, named as each document names them.
  assert.deepEqual(names('native', 'receive').sort(), [
    'client.ping',
    'client.pong',
    'client.refresh',
    'client.subscribe',
    'client.unsubscribe',
  ]);
  assert.ok(names('native', 'send').includes('welcome') && names('native', 'send').includes('event'));
  assert.ok(names('channels', 'receive').includes('client.list_channels'));
  assert.ok(
    names('channels', 'send').includes('system.connected') &&
      names('channels', 'send').includes('job.created'),
  );
  assert.deepEqual(names('jobFeed', 'send').sort(), [
    'connected',
    'error',
    'heartbeat',
    'job_updated',
    'new_job',
    'pong',
    'scrape_completed',
    'scrape_started',
    'subscribed',
  ]);
  assert.ok(names('jobQueue', 'send').includes('stats_updated'));
  assert.ok(names('notifications', 'send').includes('match_score_calculated'));
  assert.deepEqual(names('matchingJob', 'receive'), [], 'broadcast only');
  assert.equal(names('matchingJob', 'send').length, 7, 'the seven stage events');

  // Payloads are the zod schemas' JSON Schema.
  const newJob = doc.components.messages['jobFeed.new_job']!.payload.properties!;
  assert.deepEqual(Object.keys(newJob).sort(), ['data', 'event_id', 'timestamp', 'type']);
  assert.ok(doc.components.messages['native.client.subscribe']!.payload.properties!.since);

  // Close codes, with what each tells a client.
  const codes = (id: string) => doc.channels[id]!['x-close-codes'].map((c) => c.code);
  for (const id of Object.keys(doc.channels)) {
    for (const code of [1008, 1009, 4001, 4004, 4008, 4029])
      assert.ok(codes(id).includes(code), `${id} ${code}`);
  }
  assert.ok(codes('native').includes(1012) && codes('jobFeed').includes(1012));
  assert.ok(
    codes('notifications').includes(1006) && codes('matchingJob').includes(1006),
    'they go away without a close frame',
  );
});

/** A message parsed by its schema: the document (made from the schemas) describes what is sent. */
const conforms = (schema: z.ZodType, message: unknown) => {
  const result = schema.safeParse(message);
  assert.ok(result.success, `${JSON.stringify(message)}: ${result.error?.message ?? ''}`);
};

test('what the endpoints send is what the schemas behind the document say', async (t) => {
  const { url, wsUrl } = await startServer(t);
  const ada = await signUp(url, 'Ada', 'job_seeker');
  const native = await TestClient.connect(t, `${wsUrl}/ws`);
  conforms(ServerMessage, native.received[0]);
  await native.subscribe('postings');
  conforms(ServerMessage, native.received.at(-1));

  const feed = new TestClient(`${wsUrl}/api/v1/ws/jobs`);
  t.after(() => feed.ws.terminate());
  conforms(JobFeedServerMessage, await feed.next('connected'));
  feed.send({ type: 'subscribe', events: ['new_job'] });
  conforms(JobFeedServerMessage, await feed.next('subscribed'));
  await publish(url, {
    topic: 'postings',
    type: 'posting.created',
    data: { posting: { id: 7, job_title: 'Engineer', company: 'Acme' } },
  });
  conforms(JobFeedServerMessage, await feed.next('new_job'));

  const channels = new TestClient(`${wsUrl}/api/v1/ws`);
  t.after(() => channels.ws.terminate());
  conforms(ChannelsControlMessage, await channels.next('system.connected'));

  const queue = new TestClient(`${wsUrl}/api/ws/jobs`);
  t.after(() => queue.ws.terminate());
  await new Promise((resolve) => queue.ws.once('open', resolve));
  queue.send({ type: 'ping' });
  conforms(JobQueueServerMessage, await queue.next('pong'));

  const notes = new TestClient(`${wsUrl}/ws/notifications/?token=${ada.token}`);
  t.after(() => notes.ws.terminate());
  conforms(NotificationsServerMessage, await notes.next('connection_established'));
  notes.send({ type: 'subscribe', notification_types: ['job_posted'] });
  conforms(NotificationsServerMessage, await notes.next('subscription_confirmed'));
});
