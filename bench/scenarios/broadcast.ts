// Scenario 3: one topic watched by every connection, a few events/s. Reports
// the latency over all deliveries and of the slowest receiver per event.

import { Fleet, startPublisher } from '../fleet.js';
import { percentileOf } from '../histogram.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { Scenario } from '../scenario.js';

const TOPIC = 'bench-all';
const PER_SEC = 5;

export const broadcast: Scenario = {
  name: 'broadcast',
  title: 'Broadcast: publish-to-receive latency (ms), one topic watched by every connection',
  rows: (cfg) => [
    {
      key: 'p50',
      label: `p50 over all deliveries, ${fmt.int(scaled(10000, cfg.scale, 20))} conns, ${PER_SEC} ev/s`,
      format: fmt.ms,
    },
    {
      key: 'p99',
      label: 'p99 over all deliveries',
      format: fmt.ms,
      target: "≤ bare's",
      met: (all) => {
        const j = num(all.jobstream?.p99);
        const b = num(all.bare?.p99);
        return j === undefined || b === undefined ? undefined : j <= b;
      },
    },
    { key: 'last50', label: 'slowest receiver per event, p50', format: fmt.ms },
    { key: 'lastMax', label: 'slowest receiver per event, max', format: fmt.ms },
    { key: 'events', label: 'events measured', format: fmt.int },
    { key: 'delivered', label: 'deliveries / expected', format: fmt.pct },
    { key: 'closes', label: 'unexpected closes' },
  ],
  async run(ctx, server) {
    const n = scaled(10000, ctx.cfg.scale, 20);
    const warmMs = 1000 * ctx.cfg.timeScale;
    const windowMs = 10_000 * ctx.cfg.timeScale;
    const fleet = await Fleet.start(Fleet.childrenFor(n));
    const pub = await startPublisher();
    try {
      ctx.log(`connecting ${fmt.int(n)}`);
      const c = await fleet.connect(
        server,
        { total: n, topics: { shared: [TOPIC] }, parseLatency: true },
        180_000,
      );
      if (c.failed)
        ctx.note(`${server.spec.label}: ${c.failed} of ${n} connections failed: ${c.errors.join('; ')}`);
      await fleet.all('reset', {});
      ctx.log('broadcasting');
      const publishing = pub.rpc.call(
        'paced',
        {
          baseUrl: server.baseUrl,
          key: server.apiKey,
          inflight: 16,
          durationMs: warmMs + windowMs,
          broadcast: { topic: TOPIC, perSec: PER_SEC },
        },
        warmMs + windowMs + 30_000,
      );
      try {
        await sleep(warmMs);
        await fleet.all('measure', { on: true });
        await sleep(windowMs);
      } finally {
        await publishing.catch(() => undefined);
      }
      const stats = await publishing;
      await sleep(1000); // the slowest receivers of the last event
      await fleet.all('measure', { on: false });
      const rep = await fleet.report();
      const errs = [...stats.errors, ...rep.errors];
      if (errs.length) ctx.note(`${server.spec.label}: ${errs.join('; ')}`);
      return {
        p50: rep.bcast.percentile(0.5),
        p99: rep.bcast.percentile(0.99),
        last50: percentileOf(rep.bcastLast, 0.5),
        lastMax: rep.bcastLast.length ? Math.max(...rep.bcastLast) : NaN,
        events: rep.bcastLast.length,
        delivered: stats.bcastOk ? rep.delivered / (stats.bcastOk * c.opened) : NaN,
        closes: closesText(rep.closes),
      };
    } finally {
      await pub.stop();
      await fleet.stop();
    }
  },
};
