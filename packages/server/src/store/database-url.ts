import { resolve } from 'node:path';

/** Where a `DATABASE_URL` points. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly url: string };

/** The in-memory SQLite database, as `DatabaseTarget.file`. */
export const SQLITE_MEMORY = ':memory:';

/**
 * Reads `sqlite:<path>` (relative to `cwd`; `sqlite:///abs/path` and `sqlite::memory:` too) or
 * `postgres://…` / `postgresql://…`. Throws an error naming DATABASE_URL for anything else.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (url.toLowerCase().startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === SQLITE_MEMORY) return { dialect: 'sqlite', file: SQLITE_MEMORY };
    if (path === '')
      throw new Error('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/jobstream.db');
    return { dialect: 'sqlite', file: resolve(cwd, path) };
  }
  // Only the scheme is echoed: the rest may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(no scheme)';
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${scheme})`);
}
