import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = Buffer.from(text.trim(), 'base64url');
  if (secret.length < SECRET_BYTES) throw new Error(`${path} does not hold a valid secret; delete it`);
  return secret;
}

async function createSecret(dataDir: string, path: string): Promise<Uint8Array> {
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(SECRET_BYTES);
  // Written whole under a temporary name, then linked into place: link refuses to replace an existing
  // file, so two nodes starting at once agree on one secret, and a crash never leaves a half-written one.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, secret.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readSecret(path);
    if (theirs === undefined) throw error;
    return theirs;
  } finally {
    await unlink(temporary);
  }
  return secret;
}
