// Scenario 2: per-job traffic. N connections, each job topic watched by 10 of
// them, events spread round-robin over the topics at a fixed rate; latency is
// publish-to-receive. Measured once alone and once while a 5 events/s
// broadcast to every connection is going on.

import { Fleet, startPublisher } from '../fleet.js';
import type { FleetReport } from '../fleet.js';
import type { PublishStats } from '../ipc-messages.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { RowDef, Scenario, ScenarioContext } from '../scenario.js';
import type { RunningServer } from '../server-process.js';

const WATCHERS_PER_JOB = 10;
const BROADCAST_TOPIC = 'bench-all';
const BROADCAST_PER_SEC = 5;

/** Issue #14: Jobstream's per-job latency no higher than the bare ws server's, in the same run. */
const notAboveBare =
  (key: string): RowDef['met'] =>
  (all) => {
    const j = num(all.jobstream?.[key]);
    const b = num(all.bare?.[key]);
    return j === undefined || b === undefined ? undefined : j <= b;
  };

interface Phase {
  stats: PublishStats;
  rep: FleetReport;
  /** the server's CPU time over the whole phase (warm-up and window) */
  cpuMs: number;
}

async function phase(
  ctx: ScenarioContext,
  server: RunningServer,
  fleet: Fleet,
  pub: Awaited<ReturnType<typeof startPublisher>>,
  jobs: { count: number; perSec: number },
  withBroadcast: boolean,
): Promise<Phase> {
  const warmMs = 2000 * ctx.cfg.timeScale;
  const windowMs = 8000 * ctx.cfg.timeScale;
  await fleet.all('reset', {});
  const cpu0 = server.cpuMs();
  const publishing = pub.rpc.call(
    'paced',
    {
      baseUrl: server.baseUrl,
      key: server.apiKey,
      inflight: 256,
      durationMs: warmMs + windowMs,
      jobs: { prefix: 'job-', ...jobs },
      ...(withBroadcast ? { broadcast: { topic: BROADCAST_TOPIC, perSec: BROADCAST_PER_SEC } } : {}),
    },
    warmMs + windowMs + 30_000,
  );
  try {
    await sleep(warmMs);
    await fleet.all('measure', { on: true });
    await sleep(windowMs);
    await fleet.all('measure', { on: false });
  } finally {
    // Always collect the publisher's promise so a failure never floats.
    await publishing.catch(() => undefined);
  }
  const stats = await publishing;
  await sleep(500); // let the last events land before counting
  const cpuMs = server.cpuMs() - cpu0;
  return { stats, rep: await fleet.report(), cpuMs };
}

export const perJob: Scenario = {
  name: 'per-job',
  title: 'Per-job traffic: publish-to-receive latency (ms)',
  rows: (cfg) => {
    const n = scaled(10000, cfg.scale, 20);
    const rate = scaled(1000, cfg.scale, 10);
    return [
      {
        key: 'p50',
        label: `per-job p50, ${fmt.int(n)} conns, ${fmt.int(rate)} ev/s`,
        format: fmt.ms,
        target: "≤ bare's",
        met: notAboveBare('p50'),
      },
      { key: 'p99', label: 'per-job p99', format: fmt.ms, target: "≤ bare's", met: notAboveBare('p99') },
      {
        key: 'bp50',
        label: `per-job p50 during ${BROADCAST_PER_SEC}/s broadcast to all`,
        format: fmt.ms,
        target: "≤ bare's",
        met: notAboveBare('bp50'),
      },
      {
        key: 'bp99',
        label: 'per-job p99 during broadcast',
        format: fmt.ms,
        target: "≤ bare's",
        met: notAboveBare('bp99'),
      },
      {
        key: 'cpuPer',
        label: 'server CPU per per-job event, alone (µs: all the server did in the phase ÷ events published)',
        format: fmt.int,
      },
      { key: 'max', label: 'per-job max (alone / during broadcast)' },
      { key: 'delivered', label: 'events delivered / expected', format: fmt.pct },
      { key: 'late', label: 'events sent > 5 ms late (held back; stamped with due time)', format: fmt.int },
      { key: 'failed', label: 'failed publishes', format: fmt.int },
      { key: 'closes', label: 'unexpected closes' },
    ];
  },
  async run(ctx, server) {
    const n = scaled(10000, ctx.cfg.scale, 20);
    const topics = Math.max(1, Math.round(n / WATCHERS_PER_JOB));
    const perSec = scaled(1000, ctx.cfg.scale, 10);
    const fleet = await Fleet.start(Fleet.childrenFor(n));
    const pub = await startPublisher();
    try {
      ctx.log(`connecting ${fmt.int(n)} (${fmt.int(topics)} job topics + ${BROADCAST_TOPIC})`);
      const c = await fleet.connect(
        server,
        {
          total: n,
          topics: { shared: [BROADCAST_TOPIC], perJob: { prefix: 'job-', count: topics } },
          parseLatency: true,
        },
        180_000,
      );
      if (c.failed)
        ctx.note(`${server.spec.label}: ${c.failed} of ${n} connections failed: ${c.errors.join('; ')}`);
      ctx.log('per-job events alone');
      const alone = await phase(ctx, server, fleet, pub, { count: topics, perSec }, false);
      ctx.log('per-job events during broadcast');
      const both = await phase(ctx, server, fleet, pub, { count: topics, perSec }, true);

      const fanout = c.opened / topics;
      const expected = (alone.stats.jobOk + both.stats.jobOk) * fanout + both.stats.bcastOk * c.opened;
      const errs = [...alone.stats.errors, ...both.stats.errors, ...both.rep.errors];
      if (errs.length) ctx.note(`${server.spec.label}: ${[...new Set(errs)].join('; ')}`);
      return {
        p50: alone.rep.job.percentile(0.5),
        p99: alone.rep.job.percentile(0.99),
        bp50: both.rep.job.percentile(0.5),
        bp99: both.rep.job.percentile(0.99),
        max: `${fmt.ms(alone.rep.job.maxMs)} / ${fmt.ms(both.rep.job.maxMs)}`,
        cpuPer: alone.stats.jobOk ? (alone.cpuMs * 1000) / alone.stats.jobOk : NaN,
        delivered: expected ? (alone.rep.delivered + both.rep.delivered) / expected : NaN,
        late: alone.stats.late + both.stats.late,
        failed: alone.stats.failed + both.stats.failed,
        closes: closesText(both.rep.closes),
      };
    } finally {
      await pub.stop();
      await fleet.stop();
    }
  },
};
