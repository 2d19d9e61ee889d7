// Three Jobstream nodes on one Redis and one PostgreSQL database (what a
// cluster needs, see the README's "Running a cluster") beside one node on the
// same: clients spread over the nodes, publishes round the nodes, per-job
// events plus a shared topic.

import { clusterEnv, startNodes } from '../cluster.js';
import { fmt, num, scaled } from '../scenario.js';
import type { Column, Scenario } from '../scenario.js';
import type { RunningServer } from '../server-process.js';
import { clusterRunOptions, DELIVERY_ROWS, resumeRun, SHARED_PER_SEC, SHARED_TOPIC } from './resume-run.js';

export const CLUSTER_CLIENTS = 6000;

const COLUMNS: Column[] = [
  { key: 'one', label: '1 node (Redis + PostgreSQL)' },
  { key: 'three', label: '3 nodes (Redis + PostgreSQL)' },
];

export const threeNodes: Scenario = {
  name: 'three-nodes',
  title: 'Three nodes on Redis beside one node',
  rows: (cfg) => [
    {
      key: 'rate',
      label: `delivered events/s, ${fmt.int(scaled(CLUSTER_CLIENTS, cfg.scale, 30))} clients on ${fmt.int(scaled(CLUSTER_CLIENTS / 10, cfg.scale, 3))} job topics + ${SHARED_TOPIC} (${SHARED_PER_SEC}/s), ${fmt.int(scaled(1000, cfg.scale, 10))} job events/s`,
      format: fmt.int,
    },
    { key: 'vsOne', label: 'this ÷ 1 node (delivered events/s)', format: fmt.ratio },
    { key: 'p50', label: 'per-job p50 (ms)', format: fmt.ms },
    { key: 'p99', label: 'per-job p99 (ms)', format: fmt.ms },
    { key: 'max', label: 'per-job max (ms)', format: fmt.ms },
    { key: 'cpu', label: 'CPU of all nodes in the window (100 % = one core)', format: fmt.pct },
    { key: 'rss', label: 'peak RSS of one node (MiB)', format: fmt.mib },
    ...DELIVERY_ROWS,
  ],
  columns: () => COLUMNS,
  async runColumn(ctx, column) {
    const n = column.key === 'three' ? 3 : 1;
    const cluster = await clusterEnv(true);
    let nodes: RunningServer[] = [];
    try {
      nodes = await startNodes(n, ctx.root, ctx.apiKey, cluster.env);
      const clients = scaled(CLUSTER_CLIENTS, ctx.cfg.scale, 30);
      const r = await resumeRun(ctx, {
        ...clusterRunOptions(ctx, nodes, clients),
        afterMs: 8000 * ctx.cfg.timeScale,
      });
      return {
        rate: r.deliveredPerSec,
        p50: r.rep.live.percentile(0.5),
        p99: r.rep.live.percentile(0.99),
        max: r.rep.live.count ? r.rep.live.maxMs : NaN,
        cpu: r.cpuWindow,
        rss: r.peakRssMiB,
        delivered: r.deliveredRatio,
        missed: `${fmt.int(r.rep.missed + r.rep.tailMissing)} / ${fmt.int(r.rep.duplicated)}`,
        failed: r.stats.failed,
        late: r.stats.late,
      };
    } finally {
      for (const s of nodes) {
        if (s.notableCount)
          ctx.note(
            `${column.label}: a node logged ${s.notableCount} warning/error line(s), e.g. \`${(s.notable[0] ?? '').slice(0, 300)}\``,
          );
      }
      await Promise.all(nodes.map((s) => s.stop()));
      await cluster.drop();
    }
  },
  derive(all) {
    const one = num(all.one?.rate);
    for (const v of Object.values(all)) {
      const r = num(v?.rate);
      if (v && one && r !== undefined) v.vsOne = r / one;
    }
  },
};
