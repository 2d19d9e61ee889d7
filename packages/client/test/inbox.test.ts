import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, signUp } from '../../server/test/helpers/api.js';
import { unreadChange, type TopicEvent, type UnreadChange } from '../src/index.js';
import { client, reach, startServer, until } from './helpers/jobstream.js';

test('unreadChange: a typed inbox.read sets the count another device left; an event that may add an item asks again', async (t) => {
  const server = await startServer(t);
  const rita = await signUp(server.url, 'Rita', 'recruiter');
  const ada = await signUp(server.url, 'Ada', 'job_seeker');
  const c = client(t, { url: server.url, token: ada.token });
  const changes: UnreadChange[] = [];
  const events: TopicEvent<`user:${string}`>[] = [];
  c.subscribe(`user:${ada.id}`, (event) => {
    events.push(event);
    changes.push(unreadChange(event));
  });
  await reach(c, 'open');
  await until(() => server.server.registry.size > 0, 'the subscription');

  const job = await rita.call<{ id: number }>('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'SRE' });
  const app = await ada.call<{ id: number }>('POST', '/api/v1/applications', { posting_id: job.body.id });
  await rita.call('PATCH', `/api/v1/applications/${app.body.id}/status`, { status: 'reviewing' });
  await until(() => events.some((e) => e.type === 'application.status_changed'), 'the status change');
  const other = api(server.url, ada.token); // another device of Ada's
  const read = await other<{ unread_count: number }>('POST', '/api/v1/inbox/read-all');
  assert.equal(read.status, 200);
  await until(() => events.some((e) => e.type === 'inbox.read'), 'inbox.read');

  const inboxRead = events.find((e) => e.type === 'inbox.read');
  assert.ok(inboxRead?.type === 'inbox.read');
  // Typed: `ids` is number[] | 'all', `unread_count` a number.
  assert.equal(inboxRead.data.ids, 'all');
  assert.equal(inboxRead.data.unread_count, 0);
  assert.deepEqual(
    events.map((e, i) => [e.type, changes[i]?.kind]),
    [
      ['application.created', 'reload'],
      ['followup.created', 'none'],
      ['application.status_changed', 'reload'],
      ['inbox.read', 'set'],
    ],
  );
  assert.deepEqual(changes[3], { kind: 'set', count: 0 });
});
