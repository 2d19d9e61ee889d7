// Rolling restart: three nodes on Redis + PostgreSQL under per-job load; each
// node in turn gets SIGTERM, stays down a second and starts again on its port.
// Its clients reconnect (to the next node) and resume from their last seq per
// topic; nothing may be lost or repeated.

import { clusterEnv, startNodes } from '../cluster.js';
import { fmt, scaled, sleep } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';
import { clusterRunOptions, resumeRows, resumeRun, resumeValues } from './resume-run.js';
import { CLUSTER_CLIENTS } from './three-nodes.js';

const DOWN_MS = 1000;
const BETWEEN_MS = 2000;

export const rollingRestart: Scenario = {
  name: 'rolling-restart',
  title: 'Rolling restart of three nodes under load (resume timed from each client’s loss)',
  rows: (cfg) => [
    {
      key: 'load',
      label: `load: ${fmt.int(scaled(1000, cfg.scale, 10))} job events/s + 5/s shared, nodes restarted one after another (SIGTERM, ${DOWN_MS / 1000} s down, start)`,
    },
    ...resumeRows('over 3 nodes'),
  ],
  columns: () => [{ key: 'three', label: 'Jobstream, 3 nodes' }],
  async runColumn(ctx) {
    const cluster = await clusterEnv(true);
    const nodes: RunningServer[] = [];
    try {
      nodes.push(...(await startNodes(3, ctx.root, ctx.apiKey, cluster.env)));
      const clients = scaled(CLUSTER_CLIENTS, ctx.cfg.scale, 30);
      const r = await resumeRun(ctx, {
        ...clusterRunOptions(ctx, nodes, clients),
        afterMs: 30_000,
        disrupt: async () => {
          for (let i = 0; i < nodes.length; i++) {
            const old = nodes[i];
            if (!old) continue;
            ctx.log(`restarting node ${i + 1}`);
            const port = Number(new URL(old.baseUrl).port);
            await old.stop();
            if (old.notableCount)
              ctx.note(
                `node ${i + 1} logged ${old.notableCount} warning/error line(s), e.g. \`${(old.notable[0] ?? '').slice(0, 300)}\``,
              );
            await sleep(DOWN_MS);
            nodes[i] = await startServer(SERVERS.jobstream, ctx.root, ctx.apiKey, { env: cluster.env, port });
            await sleep(BETWEEN_MS);
          }
        },
      });
      return { load: '3 restarts', ...resumeValues(r, 'WebSocket', true) };
    } finally {
      for (const s of nodes) {
        if (s.notableCount)
          ctx.note(
            `a node logged ${s.notableCount} warning/error line(s), e.g. \`${(s.notable[0] ?? '').slice(0, 300)}\``,
          );
      }
      await Promise.all(nodes.map((s) => s.stop()));
      await cluster.drop();
    }
  },
};
