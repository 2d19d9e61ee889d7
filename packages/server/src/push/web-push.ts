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
   * Called by the outbox relay for each event it published (once per event in a cluster, after the
   * commit): an urgent one is pushed to its user's browsers when the user has no live connection here.
   * Never waits and never throws.
   */
  react(event: CommittedEvent, published: { topic: string; seq: number }): void;
  stop(): Promise<void>;
}

/** Most urgent events looked up (their user's subscriptions) at once; more are dropped and logged. */
const MAX_LOOKUPS = 256;

export async function createWebPush(deps: {
  config: Pick<Config, 'vapidPublicKey' | 'vapidPrivateKey' | 'vapidSubject' | 'pushAllowPrivate'>;
  store: Store;
  /** Whether the user has a live connection (subscribed to their `user:` topic) on this node. */
  online: (userId: string) => boolean;
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
    react(event, published) {
      const push = urgentPush(event, `${published.topic}@${published.seq}`);
      if (!push || deps.online(push.userId)) return;
      if (lookups >= MAX_LOOKUPS) {
        logger.warn({ userId: push.userId, kind: push.payload.kind }, 'web push busy; push dropped');
        return;
      }
      lookups++;
      const body = JSON.stringify(push.payload);
      subscriptions
        .forUser(push.userId)
        .then((found) => {
          for (const subscription of found) sender.send(subscription, body);
        })
        .catch((error: unknown) => logger.error({ err: error }, 'could not read push subscriptions'))
        .finally(() => lookups--);
    },
    stop: () => sender.stop(),
  };
}
