// The documented WebSocket dialects beside native /ws on the same fan-out:
// every client reads the `postings` topic (native: subscribe; channels:
// ?channels=jobs; job-feed: its default feed) while posting.created events
// are published at a fixed rate. Each dialect renders the posting in its own
// shape; the publisher's stamp rides in the title ("t=<ms>").

import { Fleet, startPublisher } from '../fleet.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { Column, Scenario } from '../scenario.js';
import { readCpuMs, SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';

const CLIENTS = 2000;
const PER_SEC = 100;
const TARGET = 0.8;

const COLUMNS: (Column & { path: string })[] = [
  { key: 'native', label: 'native /ws', path: '/ws' },
  { key: 'channels', label: 'channels /api/v1/ws', path: '/api/v1/ws?user_id=bench&channels=jobs' },
  { key: 'jobfeed', label: 'job-feed /api/v1/ws/jobs', path: '/api/v1/ws/jobs' },
];

export const dialects: Scenario = {
  name: 'dialects',
  title: 'Dialects beside native /ws: posting.created fan-out',
  rows: (cfg) => [
    {
      key: 'rate',
      label: `delivered events/s, ${fmt.int(scaled(CLIENTS, cfg.scale, 20))} clients, ${fmt.int(scaled(PER_SEC, cfg.scale, 10))} postings/s`,
      format: fmt.int,
    },
    { key: 'p50', label: 'p50 (ms)', format: fmt.ms },
    { key: 'p99', label: 'p99 (ms)', format: fmt.ms },
    { key: 'max', label: 'max (ms)', format: fmt.ms },
    { key: 'cpu', label: 'server CPU in the window (100 % = one core)', format: fmt.pct },
    {
      key: 'eff',
      label: 'native CPU ÷ this CPU, per delivered event (≥ 1: as cheap as native)',
      format: fmt.ratio,
      target: `≥ ${TARGET}`,
      met: (all) => {
        const vs = ['channels', 'jobfeed'].map((k) => num(all[k]?.eff));
        if (vs.some((v) => v === undefined)) return undefined;
        return vs.every((v) => (v ?? 0) >= TARGET);
      },
    },
    { key: 'delivered', label: 'events delivered / expected', format: fmt.pct },
    { key: 'failed', label: 'failed publishes', format: fmt.int },
    { key: 'closes', label: 'unexpected closes' },
  ],
  columns: () => COLUMNS,
  async runColumn(ctx, column) {
    const path = COLUMNS.find((c) => c.key === column.key)?.path ?? '/ws';
    const n = scaled(CLIENTS, ctx.cfg.scale, 20);
    const perSec = scaled(PER_SEC, ctx.cfg.scale, 10);
    let server: RunningServer | undefined;
    const fleet = await Fleet.start(Fleet.childrenFor(n));
    const pub = await startPublisher();
    try {
      server = await startServer(SERVERS.jobstream, ctx.root, ctx.apiKey, {});
      const port = new URL(server.baseUrl).port;
      const target = {
        ...server,
        spec: { ...server.spec, client: 'dialect' as const },
        clientUrl: `ws://127.0.0.1:${port}${path}`,
      };
      ctx.log(`connecting ${fmt.int(n)} to ${path}`);
      const c = await fleet.connect(
        target,
        { total: n, topics: { shared: ['postings'] }, parseLatency: true },
        120_000,
      );
      if (c.failed) ctx.note(`${column.label}: ${c.failed} of ${n} failed: ${c.errors.join('; ')}`);
      await sleep(1000); // the dialects subscribe their topics after the upgrade
      const warmMs = 2000 * ctx.cfg.timeScale;
      const windowMs = 8000 * ctx.cfg.timeScale;
      await fleet.all('reset', {});
      const publishing = pub.rpc.call(
        'paced',
        {
          baseUrl: server.baseUrl,
          key: ctx.apiKey,
          inflight: 256,
          durationMs: warmMs + windowMs,
          postings: { topic: 'postings', perSec },
        },
        warmMs + windowMs + 30_000,
      );
      let cpuMs = 0;
      try {
        await sleep(warmMs);
        await fleet.all('measure', { on: true });
        const cpu0 = readCpuMs(server.pid);
        await sleep(windowMs);
        cpuMs = readCpuMs(server.pid) - cpu0;
        await fleet.all('measure', { on: false });
      } finally {
        await publishing.catch(() => undefined);
      }
      const stats = await publishing;
      await sleep(500);
      const rep = await fleet.report();
      const expected = stats.jobOk * c.opened;
      const deliveredPerSec = (rep.job.count / windowMs) * 1000;
      return {
        rate: deliveredPerSec,
        p50: rep.job.percentile(0.5),
        p99: rep.job.percentile(0.99),
        max: rep.job.count ? rep.job.maxMs : NaN,
        cpu: cpuMs / windowMs,
        /** CPU ms per 1000 delivered events, for the ratio */
        cpuPerK: rep.job.count ? cpuMs / (rep.job.count / 1000) : NaN,
        delivered: expected ? rep.delivered / expected : NaN,
        failed: stats.failed,
        closes: closesText(rep.closes),
      };
    } finally {
      if (server?.notableCount) {
        ctx.note(
          `${column.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
        );
      }
      await pub.stop();
      await fleet.stop();
      await server?.stop();
    }
  },
  derive(all) {
    const base = num(all.native?.cpuPerK);
    for (const v of Object.values(all)) {
      const mine = num(v?.cpuPerK);
      if (v && base && mine) v.eff = base / mine;
    }
  },
};
