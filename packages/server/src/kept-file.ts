// A value generated at first start and kept in a file of the data directory (the JWT secret, the VAPID keys).
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';

/** The text of `path`, or undefined when there is no such file. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Keeps `made` (as `text`, mode 0600) at `path` in `dir`, unless another process got there first; then
 * theirs, as `read` finds it. Written whole under a temporary name, then linked into place: link refuses to
 * replace an existing file, so two nodes starting at once agree on one value, and a crash never leaves a
 * half-written one.
 */
export async function keepOnce<T>(
  dir: string,
  path: string,
  made: T,
  text: string,
  read: (path: string) => Promise<T | undefined>,
): Promise<T> {
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await read(path);
    if (theirs === undefined) throw error;
    return theirs;
  } finally {
    await unlink(temporary);
  }
  return made;
}
