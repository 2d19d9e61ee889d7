import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { NewPosting, UsersTable } from '../../src/store/schema.js';

const now = '2026-11-22T10:00:00.000Z';

/** A user row with a unique email; override what a test cares about. */
export function userRow(overrides: Partial<Insertable<UsersTable>> = {}): Insertable<UsersTable> {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.test`,
    name: 'Ada',
    role: 'job_seeker',
    password_hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    created_at: now,
    ...overrides,
  };
}

/** A posting row; override what a test cares about. */
export function postingRow(overrides: Partial<NewPosting> = {}): NewPosting {
  return {
    company: 'Acme',
    job_title: 'Engineer',
    job_description: 'Builds things',
    job_url: null,
    location: null,
    source: 'manual',
    source_id: null,
    skills_required: '["ts"]',
    posted_by: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

export const ROW_TIME = now;
