// Scenario 5: new connections per second, counting a connection once the
// server's first message arrived (Jobstream/bare: welcome; Socket.IO: its
// connect packet), with a bounded number of handshakes in flight.

import { Fleet } from '../fleet.js';
import { closesText, fmt, num, scaled } from '../scenario.js';
import type { Scenario, ScenarioContext, Values } from '../scenario.js';
import type { RunningServer } from '../server-process.js';

const CONCURRENCY = 128;
const TARGET = 5000;

export const setup: Scenario = {
  name: 'setup',
  title: 'Connection setup: connect + first message',
  rows: (cfg) => [
    {
      key: 'rate',
      label: `connections/s (${fmt.int(scaled(10000, cfg.scale, 20))} conns, ${CONCURRENCY} in flight)`,
      format: fmt.int,
      target: `≥ ${fmt.int(TARGET)} conn/s`,
      met: (all) => {
        const v = num(all.jobstream?.rate);
        return v === undefined ? undefined : v >= TARGET;
      },
    },
    { key: 'p50', label: 'handshake p50 (ms)', format: fmt.ms },
    { key: 'p99', label: 'handshake p99 (ms)', format: fmt.ms },
    {
      key: 'cpu',
      label: 'server CPU per connection while connecting (µs)',
      format: fmt.int,
    },
    { key: 'failed', label: 'failed connections', format: fmt.int },
    { key: 'closes', label: 'unexpected closes' },
  ],
  async run(ctx, server) {
    const n = scaled(10000, ctx.cfg.scale, 20);
    return openAll(ctx, server, n);
  },
};

async function openAll(ctx: ScenarioContext, server: RunningServer, n: number): Promise<Values> {
  const fleet = await Fleet.start(Fleet.childrenFor(n));
  try {
    ctx.log(`opening ${fmt.int(n)}`);
    const cpuBefore = server.cpuMs();
    const c = await fleet.connect(
      server,
      { total: n, topics: { shared: [] }, parseLatency: false, concurrency: CONCURRENCY },
      180_000,
    );
    const cpuMs = server.cpuMs() - cpuBefore;
    if (c.errors.length) ctx.note(`${server.spec.label}: ${c.errors.join('; ')}`);
    const rep = await fleet.report();
    return {
      rate: (c.opened * 1000) / c.elapsedMs,
      p50: c.handshake.percentile(0.5),
      p99: c.handshake.percentile(0.99),
      cpu: c.opened ? (cpuMs * 1000) / c.opened : undefined,
      failed: c.failed,
      closes: closesText(rep.closes),
    };
  } finally {
    // Closing all of them also empties the server for the next pass.
    await fleet.stop();
  }
}
