// Scenario 1: delivered events/s to N subscribers of one topic while the
// publisher pushes as fast as the server accepts. A credit scheme keeps the
// slowest client at most LAG events behind, so the number is a sustainable
// end-to-end rate and no server buffers grow without bound.

import { Fleet, startPublisher } from '../fleet.js';
import type { Counts } from '../ipc-messages.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { AllValues, Scenario, Values } from '../scenario.js';
import type { ServerName } from '../server-process.js';
import type { BenchConfig } from '../config.js';

const TOPIC = 'bench';
/** enough to keep a server busy; fewer for big fan-outs so requests do not queue for seconds */
const inflightFor = (subs: number) => (subs > 2000 ? 8 : 32);
/** about a million frames may be queued in total, 50…1000 per subscriber */
const lagFor = (subs: number) => Math.min(1000, Math.max(50, Math.round(1e6 / subs)));

const sizes = (cfg: BenchConfig) => [scaled(1000, cfg.scale, 10), scaled(10000, cfg.scale, 10)];

function ratio(all: AllValues, key: string, other: ServerName): number | undefined {
  const j = num(all.jobstream?.[key]);
  const o = num(all[other]?.[key]);
  return j !== undefined && o ? j / o : undefined;
}

export const saturation: Scenario = {
  name: 'saturation',
  title: 'Saturation: delivered events/s to subscribers of one topic',
  rows: (cfg) =>
    sizes(cfg).flatMap((n, i) => [
      {
        key: `rate${i}`,
        label: `delivered events/s, ${fmt.int(n)} subscribers`,
        format: fmt.int,
        target: '≥3× bare, ≥5× Socket.IO',
        met: (all) => {
          const b = ratio(all, `rate${i}`, 'bare');
          const s = ratio(all, `rate${i}`, 'socketio');
          if (b === undefined && s === undefined) return undefined;
          return (b === undefined || b >= 3) && (s === undefined || s >= 5);
        },
      },
      { key: `vsJ${i}`, label: `Jobstream ÷ this server, ${fmt.int(n)} subscribers`, format: fmt.ratio },
      {
        key: `cpu${i}`,
        label: `server CPU in the window, ${fmt.int(n)} subscribers (100 % = one core)`,
        format: fmt.pct,
      },
      { key: `pub${i}`, label: `publishes accepted/s, ${fmt.int(n)} subscribers`, format: fmt.int },
      { key: `fail${i}`, label: `failed publishes, ${fmt.int(n)} subscribers`, format: fmt.int },
      { key: `closes${i}`, label: `unexpected closes, ${fmt.int(n)} subscribers` },
    ]),
  derive(all) {
    for (const [name, v] of Object.entries(all)) {
      for (const i of [0, 1]) {
        const r = ratio(all, `rate${i}`, name as ServerName);
        if (r !== undefined && v) v[`vsJ${i}`] = r;
      }
    }
  },
  async run(ctx, server) {
    const out: Values = {};
    const warmMs = 2000 * ctx.cfg.timeScale;
    const windowMs = 5000 * ctx.cfg.timeScale;
    for (const [i, subs] of sizes(ctx.cfg).entries()) {
      const fleet = await Fleet.start(Fleet.childrenFor(subs));
      const pub = await startPublisher();
      try {
        ctx.log(`${fmt.int(subs)} subscribers: connecting`);
        const c = await fleet.connect(
          server,
          { total: subs, topics: { shared: [TOPIC] }, parseLatency: false },
          120_000,
        );
        if (c.failed)
          ctx.note(`${server.spec.label}: ${c.failed} of ${subs} connections failed: ${c.errors.join('; ')}`);
        await fleet.all('reset', {});

        // Flow control: clients report their slowest connection; credit = that + lag.
        const lag = lagFor(subs);
        const latest = new Map<number, Counts>();
        let granted = lag;
        fleet.rpcs.forEach((rpc, k) => {
          rpc.onEvent((e) => {
            if (e.event !== 'progress') return;
            latest.set(k, e.data as Counts);
            if (latest.size < fleet.rpcs.length) return;
            const live = [...latest.values()].filter((x) => x.open > 0);
            if (!live.length) return;
            const limit = Math.min(...live.map((x) => x.minReceived)) + lag;
            if (limit <= granted) return;
            granted = limit;
            pub.rpc.call('credit', { limit }, 5000).catch(() => undefined);
          });
        });
        await fleet.all('progress', { periodMs: 50 });
        await pub.rpc.call(
          'saturate',
          {
            baseUrl: server.baseUrl,
            key: server.apiKey,
            inflight: inflightFor(subs),
            topic: TOPIC,
            credit: lag,
            maxMs: warmMs + windowMs + 10_000,
          },
          5000,
        );
        ctx.log(`${fmt.int(subs)} subscribers: publishing`);
        await sleep(warmMs);
        const c0 = await fleet.counts();
        const t0 = performance.now();
        const cpu0 = server.cpuMs();
        await sleep(windowMs);
        const c1 = await fleet.counts();
        const t1 = performance.now();
        const cpu1 = server.cpuMs();
        const stats = await pub.rpc.call('stop', {}, 20_000);
        await fleet.all('progress', { periodMs: 0 });
        const rep = await fleet.report();

        out[`rate${i}`] = ((c1.delivered - c0.delivered) * 1000) / (t1 - t0);
        out[`cpu${i}`] = (cpu1 - cpu0) / (t1 - t0);
        out[`pub${i}`] = (stats.ok * 1000) / stats.elapsedMs;
        out[`fail${i}`] = stats.failed;
        out[`closes${i}`] = closesText(rep.closes);
        if (stats.errors.length) ctx.note(`${server.spec.label} publish errors: ${stats.errors.join('; ')}`);
        if (rep.errors.length) ctx.note(`${server.spec.label} client errors: ${rep.errors.join('; ')}`);
      } finally {
        await pub.stop();
        await fleet.stop();
      }
    }
    return out;
  },
};
