import {
  ChannelsClientMessage,
  ChannelsControlMessage,
  ChannelsEventMessage,
  ClientMessage,
  JobFeedClientMessage,
  JobFeedServerMessage,
  JobQueueClientMessage,
  JobQueueServerMessage,
  MatchingStreamMessage,
  NotificationsClientMessage,
  NotificationsServerMessage,
  ServerMessage,
  type CloseCodeName,
} from '@jobstream/protocol';
import { type z } from 'zod';

/** A tagged union of wire messages and the field that names each. */
export interface MessageSet {
  readonly union: z.ZodDiscriminatedUnion;
  readonly tag: string;
  /** Fields the endpoint adds to every message of the set. */
  readonly adds?: z.ZodRawShape;
}

/** One WebSocket API as the AsyncAPI document describes it. */
export interface SocketApi {
  /** The channel's key in the document. */
  readonly id: string;
  readonly address: string;
  readonly title: string;
  readonly description: string;
  /** What clients send (none: broadcast only, what arrives is ignored). */
  readonly client: MessageSet | null;
  readonly server: readonly MessageSet[];
  /** The close codes a client of this API may see, besides the gateway's own (see below). */
  readonly closeCodes: readonly CloseCodeName[];
  /** How it goes away at shutdown: a close code, or `drop` (no close frame: a browser sees 1006). */
  readonly goingAway: CloseCodeName | 'drop';
  readonly parameters?: Readonly<Record<string, string>>;
  /** Query parameters of the upgrade request. */
  readonly query?: Readonly<Record<string, string>>;
}

/** What every endpoint may close with: the gateway's limits and its authentication. */
export const gatewayCloseCodes: readonly CloseCodeName[] = [
  'protocolError',
  'invalidPayload',
  'policy',
  'tooLarge',
  'internal',
  'authFailed',
  'malformedToken',
  'tokenExpired',
  'slowConsumer',
  'tooManyConnections',
];

const token =
  'a JWT (browsers cannot set headers on a WebSocket); else the session cookie or Authorization: Bearer';
const byType = (union: z.ZodDiscriminatedUnion): MessageSet => ({ union, tag: 'type' });

/** The six WebSocket APIs (spec/*.md and docs/PROTOCOL.md), each from its zod schemas. */
export const socketApis: readonly SocketApi[] = [
  {
    id: 'native',
    address: '/ws',
    title: 'Native protocol',
    description:
      'Any permitted topic, with gap-free resume from a seq (docs/PROTOCOL.md). Also over HTTP: SSE at /api/v1/events, long-poll at /api/v1/events/poll (see the OpenAPI document).',
    client: byType(ClientMessage),
    server: [byType(ServerMessage)],
    closeCodes: ['normal', 'goingAway'],
    goingAway: 'serviceRestart',
    query: { token },
  },
  {
    id: 'channels',
    address: '/api/v1/ws',
    title: 'Channels (spec/channels.md)',
    description:
      'Channel subscriptions: jobs, applications, recommendations, skills, follow-ups, interviews, system.',
    client: { union: ChannelsClientMessage, tag: 'action' },
    server: [byType(ChannelsControlMessage), byType(ChannelsEventMessage)],
    closeCodes: [],
    goingAway: 'serviceRestart',
    query: {
      token,
      user_id: 'the user the client says it is; it must match the credentials',
      channels: 'channels to subscribe to at once, comma-separated',
    },
  },
  {
    id: 'jobQueue',
    address: '/api/ws/jobs',
    title: 'Job queue (spec/job-queue.md)',
    description:
      'The background work queue and its statistics, broadcast. The client’s keep-alive is the text `ping` (answered with the text `pong`) or {"type": "ping"}; anything else is ignored.',
    client: byType(JobQueueClientMessage),
    server: [byType(JobQueueServerMessage)],
    closeCodes: [],
    goingAway: 'serviceRestart',
    query: { token },
  },
  {
    id: 'jobFeed',
    address: '/api/v1/ws/jobs',
    title: 'Job feed (spec/job-feed.md)',
    description: 'New and updated postings and scrape runs, filtered by type.',
    client: byType(JobFeedClientMessage),
    server: [byType(JobFeedServerMessage)],
    closeCodes: [],
    goingAway: 'serviceRestart',
    query: { token },
  },
  {
    id: 'notifications',
    address: '/ws/notifications/',
    title: 'Notifications (spec/notifications.md)',
    description:
      'Per-user and per-role notifications. Browser origins that CORS_ORIGINS does not allow are refused; a session cookie counts only from a listed origin.',
    client: byType(NotificationsClientMessage),
    server: [byType(NotificationsServerMessage)],
    closeCodes: [],
    goingAway: 'drop',
    query: { token },
  },
  {
    id: 'matchingJob',
    address: '/ws/matching-jobs/{job_id}',
    title: 'Matching job stream (spec/matching-job-stream.md)',
    description:
      'One matching run, stage by stage, from its first event whenever the client connects. Broadcast only: what the client sends is ignored. A job_id that is not a UUID, does not exist or is not the caller’s is closed with 4001.',
    client: null,
    server: [MatchingStreamMessage],
    closeCodes: [],
    goingAway: 'drop',
    parameters: { job_id: 'the matching run’s id (a UUID)' },
    query: { token },
  },
];
