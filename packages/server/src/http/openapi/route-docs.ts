import { z } from 'zod';
import {
  ApplicationResource,
  PostingCreated,
  PostingPage,
  PostingResource,
  PublishRequest,
  PublishResponse,
  QueueStatsResource,
  SourceList,
  SourceResource,
  WorkJobPage,
  WorkJobResource,
} from '@jobstream/protocol';
import { LoginBody, LoginResponse, RegisterBody, UserResponse } from '../../auth/schemas.js';
import { AdminRealtimeResource } from '../admin-routes.js';
import { InboxPageResource, InboxReadResource, TimelineResource, UnreadCount } from '../inbox-routes.js';
import { PushPublicKey, PushSubscriptionResource } from '../../push/push-schemas.js';
import { PollQuery, SseQuery } from '../realtime-routes.js';
import { WebhookAnswer } from '../webhook-routes.js';

/** Who may call a route, as the document's security requirements say. */
export type Access = 'user' | 'open' | 'publish' | 'metrics';

/** What the OpenAPI document says of one route beyond its own schema (which validates requests). */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  /** @default 'user': a bearer token or the session cookie (anonymous where AUTH_REQUIRED is off) */
  readonly access?: Access;
  /** The success answer: its status and body (null: none; absent: JSON not described further). */
  readonly ok?: readonly [status: number, body?: z.ZodType | null, description?: string];
  /** The success answer's media type. @default 'application/json' */
  readonly contentType?: string;
  /** A body the handler parses itself (documented here, validated there). */
  readonly body?: z.ZodType;
  readonly querystring?: z.ZodType;
  /** Not an API: left out of the document. */
  readonly hidden?: true;
}

const Health = z.object({ status: z.literal('ok'), version: z.string(), uptime_s: z.number() });
const Readiness = z.object({
  status: z.enum(['ready', 'starting', 'draining', 'unavailable']),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
});
const JobId = z.object({ job_id: z.uuid() });
const Scrapes = z.object({ jobs: z.array(z.object({ job_id: z.uuid(), source: z.string() })) });
const Poll = z.object({
  topic: z.string(),
  epoch: z.string(),
  seq: z.number().int(),
  recovered: z.boolean(),
  events: z.array(
    z.object({
      topic: z.string(),
      seq: z.number().int(),
      event: z.string(),
      ts: z.string(),
      data: z.unknown(),
    }),
  ),
});
const Text = z.string();

/** Every route by `METHOD /path` (Fastify's form: `:id`). A route missing here fails the OpenAPI test. */
export const routeDocs: Readonly<Record<string, RouteDoc>> = {
  'GET /health': { summary: 'Liveness: the process answers', access: 'open', ok: [200, Health] },
  'GET /api/v1/health': { summary: 'Liveness (the original API’s path)', access: 'open', ok: [200, Health] },
  'GET /ready': {
    summary:
      'Readiness: 200 when this node takes traffic, 503 while starting, draining or a dependency is down',
    access: 'open',
    ok: [200, Readiness],
  },
  'GET /metrics': {
    summary: 'Prometheus metrics of this node (text format)',
    access: 'metrics',
    ok: [200, Text, 'Prometheus text exposition format'],
    contentType: 'text/plain; version=0.0.4',
  },
  'GET /api/v1/stats': { summary: 'Connections, topics and events of this node' },
  'GET /api/v1/admin/realtime': {
    summary: 'Admins: connections by endpoint and by node, the most subscribed topics, the workers',
    description:
      'Every node of a cluster (sharing Redis) writes its snapshot every 5 s; the answer lists each live node, the 200 topics with the most subscribers (with their last seq) and the work queue’s workers. Anyone but an admin gets 403.',
    ok: [200, AdminRealtimeResource],
  },
  'GET /api/v1/info': { summary: 'Server version and whether the demo runs', access: 'open' },
  'GET /asyncapi.json': { summary: 'The WebSocket APIs, in AsyncAPI 3.0', access: 'open' },
  'POST /api/v1/publish': {
    summary: 'Publish an event to a topic (server-side: the API key)',
    description: 'The same Idempotency-Key (header or `idempotency_key`) within 5 minutes publishes once.',
    access: 'publish',
    body: PublishRequest,
    ok: [200, PublishResponse],
  },
  'GET /api/v1/events': {
    summary: 'Server-Sent Events: the native protocol over HTTP, with Last-Event-ID resume',
    querystring: SseQuery,
    ok: [200, Text, 'A stream of events; each event’s id is its resume cursor (Last-Event-ID)'],
    contentType: 'text/event-stream',
  },
  'GET /api/v1/events/poll': {
    summary: 'Long-poll one topic from a seq',
    querystring: PollQuery,
    ok: [200, Poll],
  },
  'POST /api/v1/auth/register': {
    summary: 'Create an account',
    access: 'open',
    body: RegisterBody,
    ok: [201, UserResponse],
  },
  'POST /api/v1/auth/login': {
    summary: 'Sign in: an access token, also set as the session cookie',
    access: 'open',
    body: LoginBody,
    ok: [200, LoginResponse],
  },
  'POST /api/v1/auth/logout': {
    summary: 'End the browser session (clears the cookie)',
    access: 'open',
    ok: [204, null],
  },
  'POST /api/v1/auth/refresh': {
    summary: 'A fresh access token for the signed-in user (also set as the session cookie)',
    ok: [200, LoginResponse],
  },
  'GET /api/v1/auth/me': { summary: 'The signed-in user', ok: [200, UserResponse] },
  'GET /api/v1/jobs': { summary: 'Search postings', ok: [200, PostingPage] },
  'POST /api/v1/jobs': { summary: 'Create a posting (recruiters, admins)', ok: [201, PostingCreated] },
  'GET /api/v1/jobs/:id': { summary: 'One posting', ok: [200, PostingResource] },
  'PATCH /api/v1/jobs/:id': { summary: 'Change a posting', ok: [200, PostingResource] },
  'POST /api/v1/jobs/:id/deactivate': { summary: 'Close a posting', ok: [200, PostingResource] },
  'POST /api/v1/jobs/:id/analyze': { summary: 'Queue your analysis of a posting', ok: [202, JobId] },
  'GET /api/v1/profile': { summary: 'Your profile (skills, titles, locations)' },
  'PUT /api/v1/profile': { summary: 'Replace your profile' },
  'GET /api/v1/applications': {
    summary: 'Applications you may see',
    ok: [200, z.array(ApplicationResource)],
  },
  'POST /api/v1/applications': { summary: 'Apply to a posting', ok: [201, ApplicationResource] },
  'GET /api/v1/applications/:id': { summary: 'One application', ok: [200, ApplicationResource] },
  'PATCH /api/v1/applications/:id/status': {
    summary: 'Move an application to another stage',
    ok: [200, ApplicationResource],
  },
  'GET /api/v1/applications/:id/timeline': {
    summary:
      'An application’s steps, oldest first: status changes, interviews, follow-ups, each with its time and who took it',
    ok: [200, TimelineResource],
  },
  'GET /api/v1/inbox': {
    summary: 'Your inbox, newest first (unread=true: unread only; before: older than an item id)',
    description:
      'Items addressed to you, your role or everyone: application status changes, interviews and their reminders, follow-ups due, match scores of 80 or more, new recommendations, notifications. At most 100 a page; next_before pages on. Kept INBOX_RETENTION_DAYS.',
    ok: [200, InboxPageResource],
  },
  'GET /api/v1/inbox/unread-count': {
    summary: 'How many of your inbox items are unread',
    ok: [200, UnreadCount],
  },
  'POST /api/v1/inbox/:id/read': {
    summary: 'Mark one inbox item read; your other connections get inbox.read',
    ok: [200, InboxReadResource],
  },
  'POST /api/v1/inbox/read-all': {
    summary: 'Mark every inbox item read; your other connections get inbox.read',
    ok: [200, InboxReadResource],
  },
  'GET /api/v1/interviews': { summary: 'Your interviews' },
  'POST /api/v1/interviews': { summary: 'Schedule an interview', ok: [201, undefined, 'The interview'] },
  'PATCH /api/v1/interviews/:id': { summary: 'Change an interview' },
  'POST /api/v1/interviews/:id/cancel': { summary: 'Cancel an interview' },
  'GET /api/v1/followups': { summary: 'Your follow-ups' },
  'POST /api/v1/followups': { summary: 'Plan a follow-up', ok: [201, undefined, 'The follow-up'] },
  'POST /api/v1/followups/:id/sent': { summary: 'Mark a follow-up sent' },
  'POST /api/v1/notifications': {
    summary: 'Send a notification to a user or a role',
    ok: [201, undefined, 'The notification'],
  },
  'GET /api/v1/queue/jobs': { summary: 'Background work jobs', ok: [200, WorkJobPage] },
  'GET /api/v1/queue/jobs/:id': { summary: 'One work job', ok: [200, WorkJobResource] },
  'POST /api/v1/queue/jobs/:id/cancel': { summary: 'Cancel a work job', ok: [200, WorkJobResource] },
  'POST /api/v1/queue/jobs/:id/retry': {
    summary: 'Retry a failed or cancelled work job',
    ok: [200, WorkJobResource],
  },
  'GET /api/v1/queue/stats': { summary: 'Work queue statistics', ok: [200, QueueStatsResource] },
  'POST /api/v1/matching-jobs': { summary: 'Start a matching run', ok: [202, JobId] },
  'GET /api/v1/matching-jobs/:id/matches': { summary: 'A matching run’s ranked matches' },
  'GET /api/matching-jobs/:id/updates/': { summary: 'A matching run’s recent events, newest first' },
  'GET /api/matching-jobs/:id/updates': { summary: 'A matching run’s recent events, newest first' },
  'GET /api/v1/sources': { summary: 'Scrape sources', ok: [200, SourceList] },
  'POST /api/v1/sources': { summary: 'Add a scrape source', ok: [201, SourceResource] },
  'GET /api/v1/sources/:id': { summary: 'One scrape source', ok: [200, SourceResource] },
  'PATCH /api/v1/sources/:id': { summary: 'Change a scrape source', ok: [200, SourceResource] },
  'DELETE /api/v1/sources/:id': { summary: 'Remove a scrape source (its postings stay)', ok: [204, null] },
  'POST /api/v1/scrapes': { summary: 'Scrape a source now, or every enabled one', ok: [202, Scrapes] },
  'POST /api/v1/webhooks/:vendor': {
    summary: 'An ATS webhook delivery (greenhouse, lever, ashby), signed with its secret',
    access: 'open',
    ok: [200, WebhookAnswer],
  },
  'GET /api/v1/recommendations': { summary: 'Your current recommendations, best first' },
  'GET /api/v1/push/public-key': {
    summary: 'The VAPID public key browsers subscribe to Web Push with',
    ok: [200, PushPublicKey],
  },
  'POST /api/v1/push/subscriptions': {
    summary: 'Store a browser’s push subscription (its PushSubscription JSON)',
    description:
      'Urgent inbox items (interview reminders, offers, follow-ups due) are pushed to it while you have no live connection. Its endpoint must be a public https address unless PUSH_ALLOW_PRIVATE allows it; a user keeps at most 10 (the oldest goes).',
    ok: [201, PushSubscriptionResource],
  },
  'DELETE /api/v1/push/subscriptions': {
    summary: 'Forget a push subscription, by its endpoint',
    ok: [204, null],
  },
  // The dashboard and the demo's boards: pages and feeds, not the API.
  'GET /': { summary: 'The dashboard', access: 'open', hidden: true },
  'GET /assets/*': { summary: 'The dashboard’s assets', access: 'open', hidden: true },
  'GET /sw.js': { summary: 'The dashboard’s service worker (Web Push)', access: 'open', hidden: true },
  'GET /demo/boards/:board': { summary: 'A demo job board', access: 'open', hidden: true },
};
