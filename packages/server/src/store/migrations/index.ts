import type { Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { initialMigration } from './0001-initial.js';
import { workMigration } from './0002-work.js';
import { matchingMigration } from './0003-matching.js';
import { sourcesMigration } from './0004-sources.js';
import { idempotencyFingerprintMigration } from './0005-idempotency-fingerprint.js';
import { postingExtrasMigration } from './0006-posting-extras.js';
import { demoSourcesMigration } from './0007-demo-sources.js';
import { postingMissesMigration } from './0008-posting-misses.js';
import { postingSourcesMigration } from './0009-posting-sources.js';
import { sourceValidatorsMigration } from './0010-source-validators.js';
import { webhooksMigration } from './0011-webhooks.js';
import { pushMigration } from './0012-push.js';
import { inboxMigration } from './0013-inbox.js';

/**
 * Every migration, by name, in the order they run. In code rather than read from a folder, so that
 * they work the same under tsx, in a bundle and in tests. Append; never edit one that has shipped.
 */
export function createMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_work': workMigration(),
    '0003_matching': matchingMigration(dialect),
    '0004_sources': sourcesMigration(dialect),
    '0005_idempotency_fingerprint': idempotencyFingerprintMigration(),
    '0006_posting_extras': postingExtrasMigration(dialect),
    '0007_demo_sources': demoSourcesMigration(),
    '0008_posting_misses': postingMissesMigration(),
    '0009_posting_sources': postingSourcesMigration(),
    '0010_source_validators': sourceValidatorsMigration(),
    '0011_webhooks': webhooksMigration(),
    '0012_push': pushMigration(),
    '0013_inbox': inboxMigration(dialect),
  };
}
