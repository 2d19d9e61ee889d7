// Scenario 4: server RSS per idle subscribed connection, from VmRSS of the
// server process: (RSS with N connections − RSS before connecting) / N.

import { Fleet } from '../fleet.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { RowDef, Scenario } from '../scenario.js';
import type { RunningServer } from '../server-process.js';
import type { BenchConfig } from '../config.js';

const TARGET_KIB = 8;
const sizes = (cfg: BenchConfig) => [scaled(10000, cfg.scale, 20), scaled(19000, cfg.scale, 38)];

/** Median of a few samples, so one GC moment does not decide the number. */
async function settledRss(server: RunningServer, ms: number): Promise<number> {
  await sleep(ms);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(server.rssKiB());
    await sleep(200);
  }
  samples.sort((a, b) => a - b);
  return samples[2] ?? NaN;
}

const perConnMet =
  (key: string): RowDef['met'] =>
  (all) => {
    const v = num(all.jobstream?.[key]);
    return v === undefined ? undefined : v < TARGET_KIB;
  };

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory: server RSS per idle subscribed connection',
  rows: (cfg) => {
    const [a, b] = sizes(cfg);
    return [
      { key: 'rss0', label: 'RSS before connecting (MiB)', format: fmt.mib },
      { key: 'rssA', label: `RSS with ${fmt.int(a ?? 0)} connections (MiB)`, format: fmt.mib },
      {
        key: 'perA',
        label: `KiB per connection at ${fmt.int(a ?? 0)}`,
        format: fmt.kib,
        target: `< ${TARGET_KIB} KiB`,
        met: perConnMet('perA'),
      },
      { key: 'rssB', label: `RSS with ${fmt.int(b ?? 0)} connections (MiB)`, format: fmt.mib },
      {
        key: 'perB',
        label: `KiB per connection at ${fmt.int(b ?? 0)}`,
        format: fmt.kib,
        target: `< ${TARGET_KIB} KiB`,
        met: perConnMet('perB'),
      },
      { key: 'closes', label: 'unexpected closes' },
    ];
  },
  async run(ctx, server) {
    const [a = 0, b = 0] = sizes(ctx.cfg);
    const settleMs = 2000 * ctx.cfg.timeScale;
    const fleet = await Fleet.start(Fleet.childrenFor(b, 2));
    try {
      const rss0 = await settledRss(server, settleMs);
      // Ten watchers per job topic, as in the per-job scenario.
      const topics = { shared: [], perJob: { prefix: 'job-', count: Math.max(1, Math.round(b / 10)) } };
      ctx.log(`connecting ${fmt.int(a)}`);
      const first = await fleet.connect(server, { total: a, topics, parseLatency: false }, 180_000);
      const rssA = await settledRss(server, settleMs);
      ctx.log(`connecting ${fmt.int(b - a)} more`);
      const second = await fleet.connect(server, { total: b - a, topics, parseLatency: false }, 180_000);
      const rssB = await settledRss(server, settleMs);
      const failed = first.failed + second.failed;
      if (failed)
        ctx.note(
          `${server.spec.label}: ${failed} connections failed: ${[...first.errors, ...second.errors].join('; ')}`,
        );
      const rep = await fleet.report();
      const openA = first.opened;
      const openB = first.opened + second.opened;
      return {
        rss0: rss0 / 1024,
        rssA: rssA / 1024,
        perA: openA ? (rssA - rss0) / openA : NaN,
        rssB: rssB / 1024,
        perB: openB ? (rssB - rss0) / openB : NaN,
        closes: closesText(rep.closes),
      };
    } finally {
      await fleet.stop();
    }
  },
};
