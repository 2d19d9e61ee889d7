import { join } from 'node:path';
import webpush from 'web-push';
import { keepOnce, readIfPresent } from '../kept-file.js';
import type { PushDb } from './push-tables.js';

/** The file in the data directory that holds the generated VAPID key pair (single-node stores). */
export const VAPID_FILE = 'vapid-keys.json';

/** A VAPID key pair, base64url, as browsers and web-push write them. */
export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** Where generated keys are kept when no settings give them. */
export type KeyHome =
  { readonly kind: 'file'; readonly dataDir: string } | { readonly kind: 'database'; readonly db: PushDb };

/**
 * The VAPID keys: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY when configured; else a pair generated at first
 * start and kept, in `${dataDir}/vapid-keys.json` (mode 0600) for SQLite, in the shared database for
 * PostgreSQL, so that every node of a cluster signs with the keys its browsers subscribed with.
 */
export async function loadVapidKeys(configured: Partial<VapidKeys>, home: KeyHome): Promise<VapidKeys> {
  const { publicKey, privateKey } = configured;
  if (publicKey !== undefined && privateKey !== undefined) return { publicKey, privateKey };
  return home.kind === 'file' ? fromFile(home.dataDir) : fromDatabase(home.db);
}

async function fromDatabase(db: PushDb): Promise<VapidKeys> {
  const made = webpush.generateVAPIDKeys();
  // The first node to start writes its pair; every other keeps the one written.
  await db
    .insertInto('push_keys')
    .values({
      id: 1,
      public_key: made.publicKey,
      private_key: made.privateKey,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db
    .selectFrom('push_keys')
    .select(['public_key', 'private_key'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { publicKey: row.public_key, privateKey: row.private_key };
}

async function fromFile(dataDir: string): Promise<VapidKeys> {
  const path = join(dataDir, VAPID_FILE);
  const kept = await readKeys(path);
  if (kept) return kept;
  const made = webpush.generateVAPIDKeys();
  // As the JWT secret: kept once, so two processes starting at once agree on one pair.
  return keepOnce(dataDir, path, made, JSON.stringify(made) + '\n', readKeys);
}

async function readKeys(path: string): Promise<VapidKeys | undefined> {
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const keys = parsed as Partial<VapidKeys> | undefined;
  const valid =
    typeof keys?.publicKey === 'string' &&
    typeof keys.privateKey === 'string' &&
    Buffer.from(keys.publicKey, 'base64url').length === 65 &&
    Buffer.from(keys.privateKey, 'base64url').length === 32;
  if (!valid) throw new Error(`${path} does not hold a valid VAPID key pair; delete it`);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}
