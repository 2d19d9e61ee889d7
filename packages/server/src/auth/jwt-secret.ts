import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { keepOnce, readIfPresent } from '../kept-file.js';

/** The file in the data directory that holds the generated HS256 secret. */
export const SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 32;

/**
 * The HS256 key: `JWT_SECRET` when configured, else a random 32-byte secret made at first start and kept
 * in `${dataDir}/jwt-secret` (mode 0600), so that tokens survive a restart.
 */
export async function loadJwtSecret(jwtSecret: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (jwtSecret !== undefined) return new TextEncoder().encode(jwtSecret);
  const path = join(dataDir, SECRET_FILE);
  return (await readSecret(path)) ?? (await createSecret(dataDir, path));
}

async function readSecret(path: string): Promise<Uint8Array | undefined> {
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  const secret = Buffer.from(text.trim(), 'base64url');
  if (secret.length < SECRET_BYTES) throw new Error(`${path} does not hold a valid secret; delete it`);
  return secret;
}

async function createSecret(dataDir: string, path: string): Promise<Uint8Array> {
  const secret = randomBytes(SECRET_BYTES);
  return keepOnce(dataDir, path, secret, secret.toString('base64url') + '\n', readSecret);
}
