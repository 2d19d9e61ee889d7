import {
  CloseCode,
  EventTypes,
  recordOf,
  topics,
  type ApplicationCreatedData,
  type ApplicationStatusChangedData,
  NotificationsClientMessage,
  NotificationsServerMessage,
  type NotificationData,
  type Published,
  type Role,
} from '@jobstream/protocol';
import type { FrameEncoder, HubEvent } from '../../hub/hub-event.js';
import { jsonFrame, pingFrame } from '../ws-frame.js';
import {
  closeFor,
  deliver,
  sessionContext,
  type DialectContext,
  type DialectSession,
  type SessionContext,
  type WsDialect,
} from '../dialect.js';
import { byType, TOKEN_QUERY, type DialectModule } from '../dialect-api.js';
import { daphneGoingAway } from './going-away.js';
import { HeldMessages } from '../held-messages.js';
import { MAX_NOTIFICATION_TYPES, NotificationTypeFilter } from './notifications-filter.js';
import { parseNotificationsMessage } from './notifications-messages.js';
import { originAllowed, type AllowedOrigins } from './notifications-origin.js';
import {
  applicationReceivedFrame,
  applicationStatusChangedFrame,
  inboxReadFrame,
  jobPostedFrame,
  matchScoreFrame,
  notificationFrame,
  offsetTimestamp,
} from './notifications-render.js';

export interface NotificationsDialectOptions {
  /**
   * Browser origins that may connect (the server's CORS_ORIGINS); requests without an `Origin` and
   * from the server's own origin always may.
   * @default '*'
   */
  readonly allowedOrigins?: AllowedOrigins;
  /**
   * The user's unread inbox items, for `connection_established`'s extra `unread_count` (left out when
   * absent or when it fails: the welcome never waits on it failing).
   */
  readonly unreadCount?: (userId: string, role: Role | null) => Promise<number>;
}

/** How one canonical event type reaches this endpoint: its wire type and its encoder. */
interface Route {
  readonly wireType: string;
  readonly encoder: FrameEncoder;
}

/** Canonical type → notification (DESIGN.md's table; the README's notifications section). */
const routes: Readonly<Record<string, Route>> = {
  [EventTypes.postingCreated]: { wireType: 'job_posted', encoder: jobPostedFrame },
  [EventTypes.applicationCreated]: { wireType: 'application_received', encoder: applicationReceivedFrame },
  [EventTypes.applicationStatusChanged]: {
    wireType: 'application_status_changed',
    encoder: applicationStatusChangedFrame,
  },
  'analysis.completed': { wireType: 'match_score_calculated', encoder: matchScoreFrame },
  [EventTypes.notification]: { wireType: 'notification', encoder: notificationFrame },
  [EventTypes.systemNotification]: { wireType: 'notification', encoder: notificationFrame },
  [EventTypes.inboxRead]: { wireType: 'inbox_read', encoder: inboxReadFrame },
};

const tooManyTypes = `Too many notification types: at most ${MAX_NOTIFICATION_TYPES} per connection, subscribed and unsubscribed together`;

/** The original's groups as topics, each with the only event types this endpoint renders from it. */
function topicsFor(userId: string, role: Role | null): { topic: string; types: string[] }[] {
  const own = [
    EventTypes.applicationCreated,
    EventTypes.applicationStatusChanged,
    'analysis.completed',
    EventTypes.notification,
    EventTypes.inboxRead,
  ];
  return [
    { topic: topics.user(userId), types: own }, // user_{id}
    ...(role === null ? [] : [{ topic: topics.role(role), types: [EventTypes.notification] }]), // role_{type}
    // job_posted_job_seeker; admins watch new postings too.
    ...(role === 'job_seeker' || role === 'admin'
      ? [{ topic: topics.postings, types: [EventTypes.postingCreated] }]
      : []),
    { topic: topics.system, types: [EventTypes.systemNotification] },
  ];
}

/**
 * HireWise's notification API at `/ws/notifications/` (spec/notifications.md): a signed-in user's
 * applications, match scores and notifications, and new postings for job seekers.
 */
export function createNotificationsDialect(options: NotificationsDialectOptions = {}): WsDialect {
  const allowedOrigins = options.allowedOrigins ?? '*';
  return {
    name: 'notifications',
    goingAway: daphneGoingAway,
    match: (pathname) => (pathname === '/ws/notifications' || pathname === '/ws/notifications/' ? {} : null),
    open: (context) => new NotificationsSession(context, allowedOrigins, options.unreadCount),
  };
}

/** The notifications API: its AsyncAPI description and its factory (dialects/index.ts lists it). */
export const notificationsDialect: DialectModule = {
  api: {
    id: 'notifications',
    address: '/ws/notifications/',
    title: 'Notifications (spec/notifications.md)',
    description:
      'Per-user and per-role notifications. Browser origins that CORS_ORIGINS does not allow are refused; a session cookie counts only from a listed origin.',
    client: byType(NotificationsClientMessage),
    server: [byType(NotificationsServerMessage)],
    closeCodes: [],
    goingAway: daphneGoingAway,
    query: { token: TOKEN_QUERY },
  },
  // It refuses browser origins that CORS_ORIGINS does not allow.
  create: ({ config, unreadCount }) =>
    createNotificationsDialect({
      allowedOrigins: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      ...(unreadCount === undefined ? {} : { unreadCount }),
    }),
};

class NotificationsSession implements DialectSession {
  readonly #ctx: SessionContext;
  readonly #filter = new NotificationTypeFilter();
  /** Client messages that arrive before `connection_established` is sent, answered after it. */
  #early: string[] | undefined = [];
  readonly #held = new HeldMessages();
  /** Some early message was dropped (too many waiting): the client hears so after the welcome. */
  #limitedEarly = false;

  readonly #unreadCount: NotificationsDialectOptions['unreadCount'];

  constructor(
    ctx: DialectContext,
    allowedOrigins: AllowedOrigins,
    unreadCount?: NotificationsDialectOptions['unreadCount'],
  ) {
    this.#ctx = sessionContext(ctx);
    this.#unreadCount = unreadCount;
    const { connection, principal } = ctx;
    const credential = ctx.authorizer.credentialKind(ctx.request);
    if (!originAllowed(ctx.request, credential, allowedOrigins)) {
      this.#refuse(CloseCode.policy, 'origin not allowed');
      return;
    }
    const userId = principal.userId;
    if (userId === null) {
      // The original refused anonymous upgrades; a close code after the upgrade is what a browser sees.
      this.#refuse(CloseCode.authFailed, 'authentication required');
      return;
    }
    this.#start(userId, principal.role).catch((error: unknown) =>
      closeFor(connection, error, 'internal error'),
    );
  }

  /** Refuses the connection; the gateway keeps a connection closed while opening out of its registry. */
  #refuse(code: number, reason: string): void {
    this.#ctx.connection.close(code, reason);
  }

  /** Subscribes first and welcomes after, so that nothing happening after the welcome is missed. */
  async #start(userId: string, role: Role | null): Promise<void> {
    const { connection, authorizer, principal } = this.#ctx;
    const unread = this.#unreadCount?.(userId, role).catch(() => undefined);
    const wanted = topicsFor(userId, role);
    const allowed = await Promise.all(wanted.map((w) => authorizer.canRead(principal, w.topic)));
    const sink = (event: HubEvent): void => this.#deliver(event, userId);
    const results = await Promise.all(
      wanted.filter((_, i) => allowed[i]).map((w) => connection.subscribe(w.topic, sink, { types: w.types })),
    );
    const unreadCount = await unread;
    if (!connection.open) return;
    connection.send(
      jsonFrame({
        type: 'connection_established',
        user_id: userId,
        user_type: role,
        timestamp: offsetTimestamp(),
        // Jobstream's addition: the inbox's badge (documented clients ignore the field).
        ...(unreadCount === undefined ? {} : { unread_count: unreadCount }),
      }),
    );
    for (const result of results) result.start();
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const text of early) this.message(text);
    if (this.#limitedEarly) this.rateLimited();
  }

  #deliver(hubEvent: HubEvent, userId: string): void {
    const { event } = hubEvent;
    const route = routes[event.type];
    if (route === undefined) return;
    const data: Published<ApplicationCreatedData | ApplicationStatusChangedData | NotificationData> =
      recordOf(event.data);
    // Both sides of an application share the event: the recruiter hears of it, the applicant does not.
    if (event.type === EventTypes.applicationCreated && data.applicant_id === userId) return;
    if (event.type === EventTypes.applicationStatusChanged && data.applicant_id !== userId) return;
    const subtype =
      route.wireType === 'notification' && typeof data.notification_type === 'string'
        ? data.notification_type
        : undefined;
    if (!this.#filter.wants(route.wireType, subtype)) return;
    deliver(this.#ctx.connection, hubEvent, hubEvent.frame(route.encoder));
  }

  message(text: string): void {
    if (this.#early) {
      if (this.#held.hold(text)) this.#early.push(text);
      else this.#limitedEarly = true;
      return;
    }
    const parsed = parseNotificationsMessage(text);
    if (!parsed.ok) {
      this.#error(parsed.error);
      return;
    }
    this.#handle(parsed.message);
  }

  #handle(msg: NotificationsClientMessage): void {
    const { connection } = this.#ctx;
    switch (msg.type) {
      case 'ping': {
        const echo = typeof msg.timestamp === 'string' || typeof msg.timestamp === 'number';
        connection.send(jsonFrame({ type: 'pong', timestamp: echo ? msg.timestamp : offsetTimestamp() }));
        return;
      }
      case 'subscribe':
        if (!this.#filter.subscribe(msg.notification_types)) return this.#error(tooManyTypes);
        connection.send(
          jsonFrame({
            type: 'subscription_confirmed',
            notification_types: msg.notification_types,
            timestamp: offsetTimestamp(),
          }),
        );
        return;
      case 'unsubscribe':
        if (!this.#filter.unsubscribe(msg.notification_types)) return this.#error(tooManyTypes);
        connection.send(
          jsonFrame({
            type: 'unsubscription_confirmed',
            notification_types: msg.notification_types,
            timestamp: offsetTimestamp(),
          }),
        );
        return;
    }
  }

  rateLimited(): void {
    this.#error('Rate limit exceeded: too many messages, slow down');
  }

  heartbeat(): void {
    // The document's keep-alive is the client's ping; a ping frame only drops peers that went silent.
    this.#ctx.connection.send(pingFrame, false);
  }

  #error(message: string): void {
    this.#ctx.connection.send(jsonFrame({ type: 'error', message, timestamp: offsetTimestamp() }));
  }
}
