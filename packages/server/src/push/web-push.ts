import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { CommittedEvent } from '../work/reactions.js';
import { EndpointPolicy } from './endpoint-policy.js';
import { PushSender, type PushSenderOptions } from './push-sender.js';
import { PushSubscriptions } from './push-subscriptions.js';
import { pushDb } from './push-tables.js';
import { urgentPush } from './urgent.js';
import { loadVapidKeys } from './vapid-keys.js';

/** Web Push on one node: its keys, the stored subscriptions, and what the outbox relay hands it. */
export interface WebPush {
  /** The VAPID public key: the application server key of `pushManager.subscribe`. */
  readonly publicKey: string;
  readonly policy: EndpointPolicy;
  readonly subscriptions: PushSubscriptions;
  readonly sender: PushSender;
  /**
   * The outbox relay's reaction, run for each event it published (once per event in a cluster, after
   * the commit): an urgent one is pushed to its user's browsers when the user has no live connection
   * here. Never waits and never throws.
   */
  readonly reaction: { readonly name: string; react(event: RelayedEvent): void };
  stop(): Promise<void>;
}

/** A committed event as the relay hands it on (with its outbox row's idempotency key). */
type RelayedEvent = CommittedEvent & { readonly idempotencyKey?: string };

/** Most urgent events looked up (their user's subscriptions) at once; more are dropped and logged. */
const MAX_LOOKUPS = 256;

export async function createWebPush(deps: {
  config: Pick<Config, 'vapidPublicKey' | 'vapidPrivateKey' | 'vapidSubject' | 'pushAllowPrivate'>;
  store: Store;
  /** Whether the user has a live connection (something reads their `user:` topic), on any node. */
  online: (userId: string) => Promise<boolean>;
  logger: Logger;
  sender?: Partial<Omit<PushSenderOptions, 'keys' | 'subject' | 'policy' | 'expire' | 'logger'>>;
}): Promise<WebPush> {
  const { config, store, logger } = deps;
  const db = pushDb(store.db);
  const keys = await loadVapidKeys(
    { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey },
    // One node's data folder for SQLite; the shared database for PostgreSQL, so a cluster agrees.
    store.dialect === 'sqlite' ? { kind: 'file', dataDir: store.dataDir } : { kind: 'database', db },
  );
  const policy = new EndpointPolicy(config.pushAllowPrivate);
  const subscriptions = new PushSubscriptions(db);
  const sender = new PushSender({
    ...deps.sender,
    keys,
    subject: config.vapidSubject,
    policy,
    expire: (endpoint) => subscriptions.expire(endpoint),
    logger,
  });
  let lookups = 0;
  return {
    publicKey: keys.publicKey,
    policy,
    subscriptions,
    sender,
    reaction: { name: 'web push', react },
    stop: () => sender.stop(),
  };

  function react(event: RelayedEvent): void {
    // The outbox row's key names the event once, whichever node relays it: the notification's tag.
    const push = urgentPush(event, event.idempotencyKey ?? `${event.topic}:${event.type}`);
    if (!push) return;
    if (lookups >= MAX_LOOKUPS) {
      logger.warn({ userId: push.userId, kind: push.payload.kind }, 'web push busy; push dropped');
      return;
    }
    lookups++;
    const body = JSON.stringify(push.payload);
    const { userId } = push;
    deps
      .online(userId)
      // Not knowing (Redis unreachable, say) counts as offline: one notification too many beats none.
      .catch(() => false)
      .then(async (online) => {
        if (online) return;
        for (const subscription of await subscriptions.forUser(userId)) sender.send(subscription, body);
      })
      .catch((error: unknown) => logger.error({ err: error }, 'could not read push subscriptions'))
      .finally(() => lookups--);
  }
}
