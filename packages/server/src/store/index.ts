export { openStore } from './open-store.js';
export type { EventDraft, OutboxLockOutcome, Store, StoreDialect, Tx } from './store.js';
export { OutboxRelay } from './outbox-relay.js';
export type { OutboxRelayOptions, RelayPublish } from './outbox-relay.js';
export {
  deleteExpiredIdempotentResponses,
  findIdempotentResponse,
  IDEMPOTENCY_TTL_MS,
  saveIdempotentResponse,
} from './idempotency.js';
export type { IdempotentResponse, SavedIdempotentResponse } from './idempotency.js';
export { parseDatabaseUrl } from './database-url.js';
export type { DatabaseTarget } from './database-url.js';
export type {
  Application,
  ApplicationStatus,
  Database,
  Followup,
  Interview,
  NewPosting,
  Notification,
  OutboxRow,
  Posting,
  PostingUpdate,
  Profile,
  RemotePreference,
  User,
} from './schema.js';
