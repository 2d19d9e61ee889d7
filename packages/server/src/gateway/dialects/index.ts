import type { DialectModule } from '../dialect-api.js';
import { channelsDialect } from './channels.js';
import { jobFeedDialect } from './job-feed.js';
import { jobQueueDialect } from './job-queue.js';
import { matchingDialect } from './matching.js';
import { nativeDialect } from './native.js';
import { notificationsDialect } from './notifications.js';

/**
 * The six WebSocket APIs (spec/*.md and docs/PROTOCOL.md): the one list the gateway makes its
 * endpoints from and the AsyncAPI document (http/asyncapi/) describes, in the document's order.
 */
export const dialects: readonly DialectModule[] = [
  nativeDialect,
  channelsDialect,
  jobQueueDialect,
  jobFeedDialect,
  notificationsDialect,
  matchingDialect,
];
