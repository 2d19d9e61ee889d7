import assert from 'node:assert/strict';
import type { TestUser } from './api.js';

/** A short matching run, so that `/ws/matching-jobs/{id}` has a run to stream. */
export async function shortMatchingRun(call: TestUser['call']): Promise<string> {
  const started = await call<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'Résumé', text: 'TypeScript and Node.js on PostgreSQL.' },
    targets: [{ name: 'Backend', text: 'Node.js services in TypeScript.' }],
    criteria: [{ id: 'ts', label: 'TypeScript' }],
  });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.job_id;
}
