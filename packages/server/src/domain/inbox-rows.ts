import type { EventRows } from '../store/store.js';
import { inboxItemFor } from './inbox.js';
import { inboxDb } from './inbox-tables.js';

/** Rows per INSERT, well under SQLite's limit on bound parameters. */
const CHUNK = 200;

/**
 * The store's `eventRows`: each event a person would want to see later becomes an inbox item in the
 * transaction that commits the event, so that an item exists exactly when its event does.
 */
export const inboxRows: EventRows = async (db, events, at) => {
  const rows = events.flatMap((event) => {
    const item = inboxItemFor(event);
    return item === undefined
      ? []
      : [
          {
            audience: item.audience,
            kind: item.kind,
            summary: item.summary,
            data: JSON.stringify(item.data ?? null),
            created_at: at,
          },
        ];
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    await inboxDb(db)
      .insertInto('inbox_items')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
};
