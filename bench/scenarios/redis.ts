// The Redis broker beside the embedded (memory) one: the saturation and
// per-job scenarios on one Jobstream node each way, and the ratio. Each run
// gets a fresh Redis key prefix, whose keys are deleted afterwards.

import { redisPrefix } from '../cluster.js';
import { fmt, num } from '../scenario.js';
import type { AllValues, Column, RowDef, Scenario, Values } from '../scenario.js';
import { SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';
import { perJob } from './per-job.js';
import { saturation } from './saturation.js';
import { REDIS_URL } from '../cluster.js';

const TARGET = 0.7;

/** Redis ÷ memory for rates, memory ÷ Redis for latencies: ≥ 1 means Redis is as good. */
function ratios(all: AllValues): Values {
  const m = all.memory;
  const r = all.redis;
  const out: Values = {};
  const q = (key: string, higherIsBetter: boolean) => {
    const a = num(m?.[key]);
    const b = num(r?.[key]);
    if (a === undefined || b === undefined || !a || !b) return undefined;
    return higherIsBetter ? b / a : a / b;
  };
  out.rate0 = q('rate0', true);
  out.rate1 = q('rate1', true);
  out.p50 = q('p50', false);
  out.p99 = q('p99', false);
  out.bp99 = q('bp99', false);
  return out;
}

const COLUMNS: Column[] = [
  { key: 'memory', label: 'Jobstream, memory broker' },
  { key: 'redis', label: 'Jobstream, Redis broker' },
  { key: 'ratio', label: 'Redis ÷ memory (latency: memory ÷ Redis)' },
];

export const redis: Scenario = {
  name: 'redis',
  title: 'Redis broker beside the memory broker (one node each)',
  rows: (cfg) => {
    const strip = (rows: RowDef[]): RowDef[] =>
      rows.map(({ key, label, format }) => ({ key, label, ...(format ? { format } : {}) }));
    const ratioRow =
      (key: string): RowDef['met'] =>
      (all) => {
        const v = num(ratios(all)[key]);
        return v === undefined ? undefined : v >= TARGET;
      };
    const rows = [
      ...strip(saturation.rows(cfg)).filter((r) => !r.key.startsWith('vsJ')),
      ...strip(perJob.rows(cfg)),
    ];
    return rows.map((r) =>
      ['rate0', 'rate1', 'p50', 'p99', 'bp99'].includes(r.key)
        ? { ...r, target: `ratio ≥ ${TARGET}`, met: ratioRow(r.key) }
        : r,
    );
  },
  columns: () => COLUMNS,
  async runColumn(ctx, column) {
    if (column.key === 'ratio') return {};
    const pre = column.key === 'redis' ? redisPrefix() : undefined;
    let server: RunningServer | undefined;
    try {
      server = await startServer(SERVERS.jobstream, ctx.root, ctx.apiKey, {
        env: pre ? { REDIS_URL, REDIS_PREFIX: pre.prefix } : {},
      });
      if (!saturation.run || !perJob.run) throw new Error('saturation / per-job have no run');
      const a = await saturation.run(ctx, server);
      const b = await perJob.run(ctx, server);
      return { ...a, ...b };
    } finally {
      if (server?.notableCount) {
        ctx.note(
          `${column.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
        );
      }
      await server?.stop();
      await pre?.drop().catch((err: unknown) => ctx.note(`could not delete the Redis keys: ${String(err)}`));
    }
  },
  derive(all) {
    const r = ratios(all);
    const out: Values = {};
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') out[k] = fmt.ratio(v);
    all.ratio = out;
  },
};
