// SSE and long-poll fan-out beside WebSocket: the same clients, topics and
// paced traffic as the reconnect storm, with nothing cut, so the columns show
// what each transport costs in latency and server CPU.

import { fmt, num, scaled } from '../scenario.js';
import type { Column, Scenario } from '../scenario.js';
import { SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';
import type { ResumeClientKind } from '../ipc-messages.js';
import { DELIVERY_ROWS, resumeRun, SHARED_PER_SEC, SHARED_TOPIC } from './resume-run.js';

/** 2,000 clients on every transport: a long-poll client answers 5 polls/s on the shared topic alone. */
const CLIENTS = 2000;

const COLUMNS: Column[] = [
  { key: 'ws', label: 'Jobstream /ws' },
  { key: 'sse', label: 'Jobstream SSE' },
  { key: 'poll', label: 'Jobstream long-poll' },
];

export const transports: Scenario = {
  name: 'transports',
  title: 'SSE and long-poll fan-out beside WebSocket (Jobstream)',
  rows: (cfg) => {
    const n = scaled(CLIENTS, cfg.scale, 20);
    return [
      {
        key: 'p50',
        label: `per-job p50 (ms), ${fmt.int(n)} clients on ${fmt.int(Math.round(n / 10))} job topics + ${SHARED_TOPIC} (${SHARED_PER_SEC}/s), ${fmt.int(scaled(1000, cfg.scale, 10))} job events/s`,
        format: fmt.ms,
      },
      { key: 'p99', label: 'per-job p99 (ms)', format: fmt.ms },
      { key: 'max', label: 'per-job max (ms)', format: fmt.ms },
      { key: 'rate', label: 'delivered events/s', format: fmt.int },
      { key: 'vsWs', label: 'this transport ÷ /ws (delivered events/s)', format: fmt.ratio },
      { key: 'cpu', label: 'server CPU in the window (100 % = one core)', format: fmt.pct },
      { key: 'rss', label: 'server peak RSS (MiB)', format: fmt.mib },
      ...DELIVERY_ROWS,
    ];
  },
  columns: () => COLUMNS,
  async runColumn(ctx, column) {
    const kind = column.key as ResumeClientKind;
    const clients = scaled(CLIENTS, ctx.cfg.scale, 20);
    let server: RunningServer | undefined;
    try {
      server = await startServer(SERVERS.jobstream, ctx.root, ctx.apiKey, {});
      const s = server;
      const r = await resumeRun(ctx, {
        kind,
        clientUrls: [kind === 'ws' ? s.clientUrl : s.baseUrl],
        publishUrls: [s.baseUrl],
        apiKey: ctx.apiKey,
        clients,
        jobTopics: Math.max(1, Math.round(clients / 10)),
        perSec: scaled(1000, ctx.cfg.scale, 10),
        warmMs: 4000,
        afterMs: 8000 * ctx.cfg.timeScale,
        perChild: 2000,
        pids: () => [s.pid],
      });
      return {
        p50: r.rep.live.percentile(0.5),
        p99: r.rep.live.percentile(0.99),
        max: r.rep.live.count ? r.rep.live.maxMs : NaN,
        rate: r.deliveredPerSec,
        cpu: r.cpuWindow,
        rss: r.peakRssMiB,
        delivered: r.deliveredRatio,
        missed: `${fmt.int(r.rep.missed + r.rep.tailMissing)} / ${fmt.int(r.rep.duplicated)}`,
        failed: r.stats.failed,
        late: r.stats.late,
      };
    } finally {
      if (server?.notableCount) {
        ctx.note(
          `${column.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
        );
      }
      await server?.stop();
    }
  },
  derive(all) {
    const ws = num(all.ws?.rate);
    for (const v of Object.values(all)) {
      const r = num(v?.rate);
      if (v && ws && r !== undefined) v.vsWs = r / ws;
    }
  },
};
