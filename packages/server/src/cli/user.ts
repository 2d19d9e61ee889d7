import { addUser, listUsers } from './user-command.js';
import type { Config } from '../config.js';
import { openStore } from '../store/open-store.js';

/** `jobstream user add`: creates a user (the first admin, say) in DATABASE_URL's store. */
export async function userAdd(
  config: Config,
  values: { email?: string; password?: string; role?: string; name?: string },
): Promise<void> {
  const store = await openStore(config.databaseUrl);
  try {
    const user = await addUser(store, values);
    process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
  } finally {
    await store.close();
  }
}

/** `jobstream user list`: every user, oldest first, as a table or (`--json`) one object a line. */
export async function userList(config: Config, options: { json: boolean }): Promise<void> {
  const store = await openStore(config.databaseUrl);
  try {
    const users = await listUsers(store);
    if (options.json) {
      for (const user of users) process.stdout.write(`${JSON.stringify(user)}\n`);
      return;
    }
    if (users.length === 0) {
      process.stdout.write(
        'no users (create one with: jobstream user add --email … --password … --role admin)\n',
      );
      return;
    }
    const rows = [
      ['ID', 'EMAIL', 'ROLE', 'NAME', 'CREATED'],
      ...users.map((u) => [u.id, u.email, u.role, u.name, u.created_at]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows) {
      process.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
  } finally {
    await store.close();
  }
}
