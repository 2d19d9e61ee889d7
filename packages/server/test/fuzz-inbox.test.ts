import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INBOX_KINDS, inboxItemFor, isUrgentInboxItem } from '../src/domain/inbox.js';
import { Prng } from './helpers/prng.js';

/** Any JSON value, a few levels deep: what a catalogued type's data may hold when a producer errs. */
function value(rng: Prng, depth = 0): unknown {
  const kind = rng.int(depth > 2 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.range(-1000, 1000) / rng.pick([1, 3, 10]);
    case 2:
      return rng.string(rng.int(rng.chance(0.05) ? 5000 : 20), 'ab <>"\\\u00e9\u{1F600}0');
    case 3:
      return rng.chance(0.5);
    case 4:
      return rng.pick([Number.NaN, Infinity, -0, 80, 79.99, 100]);
    case 5:
      return Array.from({ length: rng.int(4) }, () => value(rng, depth + 1));
    default: {
      const keys = [
        'job_title',
        'company',
        'applicant_id',
        'new_status',
        'old_status',
        'match_score',
        'count',
        'message',
        'time_until',
        'interview_type',
        'followup_type',
        'scheduled_date',
        'applicant_name',
      ];
      return Object.fromEntries(
        Array.from({ length: rng.int(8) }, () => [rng.pick(keys), value(rng, depth + 1)]),
      );
    }
  }
}

test('inbox rule fuzz: any event (any topic, type and data) makes an item or none, and never throws (it runs in every transaction)', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261202) >>> 0;
  const runs = Number(process.env.FUZZ_N ?? 5000);
  const rng = new Prng(seed);
  const types = [...INBOX_KINDS, 'posting.created', 'work.completed', 'inbox.read', 'x.y'];
  let made = 0;
  for (let i = 0; i < runs; i++) {
    const topic = rng.pick(['user:u1', 'role:job_seeker', 'system', 'postings', 'user:', 'role:', 'work:1']);
    const type = rng.pick(types);
    const data = value(rng);
    const where = `FUZZ_SEED=${seed} run ${i}: ${topic} ${type} ${JSON.stringify(data)?.slice(0, 200)}`;
    let item;
    try {
      item = inboxItemFor({ topic, type, data });
    } catch (error) {
      assert.fail(`${where}: threw ${String(error)}`);
    }
    if (item === undefined) continue;
    made++;
    assert.equal(item.kind, type, where);
    assert.ok(
      typeof item.summary === 'string' && item.summary.length > 0 && item.summary.length < 1000,
      where,
    );
    if (topic.startsWith('user:')) assert.equal(item.audience, topic, where);
    else if (topic.startsWith('role:')) assert.equal(item.audience, topic, where);
    else assert.deepEqual([topic, type, item.audience], ['system', 'system.notification', 'everyone'], where);
    assert.equal(typeof isUrgentInboxItem(item), 'boolean', where);
    assert.doesNotThrow(() => JSON.stringify(item.data), where);
  }
  assert.ok(made > runs / 10, `few items made (${made} of ${runs}): the fuzz is not reaching the rule`);
});
