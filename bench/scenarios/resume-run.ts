// One measured run of resuming clients (resume-clients.ts) under paced
// per-job traffic plus a shared topic: connect, publish, optionally do
// something disruptive in the middle (cut every socket, restart nodes), wait
// until every client is whole again, and count what was lost or repeated.
// The reconnect-storm, transports, three-nodes and rolling-restart scenarios
// are all made of it.

import fs from 'node:fs';
import { startPublisher } from '../fleet.js';
import type { PublishStats, ResumeClientKind } from '../ipc-messages.js';
import type { Histogram } from '../histogram.js';
import { ResumeFleet } from '../resume-fleet.js';
import type { ResumeFleetReport } from '../resume-fleet.js';
import { closesText, fmt, scaled, sleep } from '../scenario.js';
import type { ColumnContext, RowDef, ScenarioContext, Values } from '../scenario.js';
import { readCpuMs, readRssKiB } from '../server-process.js';
import type { RunningServer } from '../server-process.js';

export const SHARED_TOPIC = 'bench-all';
export const SHARED_PER_SEC = 5;
/** The SDK's first reconnect waits a uniform delay below its initialDelayMs (500): so do these clients. */
export const JITTER_MS = 500;

export interface ResumeRunOptions {
  kind: ResumeClientKind;
  /** where clients connect (spread over them by index; reconnects go round them) */
  clientUrls: string[];
  /** where the publisher posts (round robin) */
  publishUrls: string[];
  apiKey: string;
  clients: number;
  jobTopics: number;
  /** per-job events/s over all job topics */
  perSec: number;
  /** publishing before the disruption (live latency is measured in the second half of it) */
  warmMs: number;
  /** publishing after it */
  afterMs: number;
  /** the disruption; its promise is awaited before the clients are waited for */
  disrupt?: (fleet: ResumeFleet) => Promise<void>;
  /** server processes whose CPU and RSS are read (while they live) */
  pids: () => number[];
  /** clients per load generator (long-poll clients hold two sockets) */
  perChild?: number;
}

export interface ResumeRunResult {
  rep: ResumeFleetReport;
  stats: PublishStats;
  opened: number;
  /** server CPU ÷ wall time from the disruption until every client recovered (or the window ended) */
  cpu: number;
  /** the load generators' CPU ÷ wall time over the same span as cpu (summed over them) */
  clientCpu: number;
  /** time the server's main thread waited for a core ÷ wall time, over the same span as cpu */
  cpuWait: number;
  /** how many load generators hold the clients */
  clientProcs: number;
  /** server CPU ÷ wall time over the measured window (summed over nodes) */
  cpuWindow: number;
  /** deliveries per second while publishing (and its drain) went on */
  deliveredPerSec: number;
  /** peak RSS over the run of any one server, MiB */
  peakRssMiB: number;
  /** clients still not whole when the run ended (counted in the same instant as the events they lack) */
  pending: number;
  /** deliveries ÷ (accepted per-job publishes × watchers + shared publishes × clients) */
  deliveredRatio: number;
}

function cpuOf(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += readCpuMs(p);
    } catch {
      // a node being restarted has no /proc entry for a moment
    }
  }
  return sum;
}

/**
 * Time (ms) the processes' main threads spent runnable but waiting for a core (/proc/<pid>/schedstat,
 * second field, ns): what other processes on the machine took from them. 0 where it cannot be read.
 */
function waitOf(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += Number(fs.readFileSync(`/proc/${p}/schedstat`, 'utf8').split(' ')[1] ?? 0) / 1e6;
    } catch {
      // gone, or no schedstat on this kernel
    }
  }
  return sum;
}

/** A /ws run over the nodes of a cluster, clients and publishes spread across them; the caller adds how long. */
export function clusterRunOptions(
  ctx: ColumnContext,
  nodes: RunningServer[],
  clients: number,
): Omit<ResumeRunOptions, 'afterMs'> {
  return {
    kind: 'ws',
    clientUrls: nodes.map((s) => s.clientUrl),
    publishUrls: nodes.map((s) => s.baseUrl),
    apiKey: ctx.apiKey,
    clients,
    jobTopics: Math.max(1, Math.round(clients / 10)),
    perSec: scaled(1000, ctx.cfg.scale, 10),
    warmMs: 4000,
    pids: () => nodes.map((s) => s.pid),
  };
}

/** The last rows of a live table: what arrived, what was missed or repeated, how the publisher kept up. */
export const DELIVERY_ROWS: RowDef[] = [
  { key: 'delivered', label: 'events delivered / expected', format: fmt.pct },
  { key: 'missed', label: 'missed / duplicated events', target: '0 / 0' },
  { key: 'failed', label: 'failed publishes', format: fmt.int },
  {
    key: 'late',
    label: 'events sent > 5 ms late (publisher behind; stamped with due time)',
    format: fmt.int,
  },
];

export async function resumeRun(ctx: ScenarioContext, o: ResumeRunOptions): Promise<ResumeRunResult> {
  const fleet = await ResumeFleet.start(o.clients, o.perChild ?? 5000);
  const pub = await startPublisher();
  let peakKiB = 0;
  const sampler = setInterval(() => {
    for (const p of o.pids()) {
      try {
        peakKiB = Math.max(peakKiB, readRssKiB(p));
      } catch {
        // restarting
      }
    }
  }, 100);
  try {
    ctx.log(
      `connecting ${fmt.int(o.clients)} ${o.kind} clients (${fmt.int(o.jobTopics)} job topics + ${SHARED_TOPIC})`,
    );
    const c = await fleet.connect(
      {
        kind: o.kind,
        urls: o.clientUrls,
        total: o.clients,
        topics: { shared: [SHARED_TOPIC], perJob: { prefix: 'job-', count: o.jobTopics } },
        jitterMs: JITTER_MS,
        concurrency: 256,
      },
      180_000,
    );
    if (c.failed)
      ctx.note(`${o.kind}: ${c.failed} of ${o.clients} clients failed to connect: ${c.errors.join('; ')}`);
    const publishing = pub.rpc.call(
      'paced',
      {
        baseUrl: o.publishUrls[0] ?? '',
        baseUrls: o.publishUrls,
        key: o.apiKey,
        inflight: 256,
        trackSeq: true,
        durationMs: o.warmMs + o.afterMs,
        jobs: { prefix: 'job-', count: o.jobTopics, perSec: o.perSec },
        broadcast: { topic: SHARED_TOPIC, perSec: SHARED_PER_SEC },
      },
      o.warmMs + o.afterMs + 60_000,
    );
    let cpu = NaN;
    let clientCpu = NaN;
    let cpuWait = NaN;
    let windowCpu0 = 0;
    let windowT0 = performance.now();
    try {
      await sleep(Math.max(2000, o.warmMs / 2));
      await fleet.all('measure', { on: true, reset: true });
      windowCpu0 = cpuOf(o.pids());
      windowT0 = performance.now();
      await sleep(o.warmMs / 2);
      if (o.disrupt) {
        const cpu0 = cpuOf(o.pids());
        const clientCpu0 = cpuOf(fleet.pids());
        const wait0 = waitOf(o.pids());
        const t0 = performance.now();
        await o.disrupt(fleet);
        await fleet.waitRecovered(Math.max(3000, o.afterMs - 1000));
        const ms = Math.max(1, performance.now() - t0);
        cpu = (cpuOf(o.pids()) - cpu0) / ms;
        clientCpu = (cpuOf(fleet.pids()) - clientCpu0) / ms;
        cpuWait = (waitOf(o.pids()) - wait0) / ms;
      }
    } finally {
      await publishing.catch(() => undefined);
    }
    const stats = await publishing;
    const windowMs = Math.max(1, performance.now() - windowT0);
    const cpuWindow = (cpuOf(o.pids()) - windowCpu0) / windowMs;
    // The last events land, and anyone still catching up gets a last chance.
    const late = await fleet.waitRecovered(2000);
    await sleep(1000);
    await fleet.all('measure', { on: false });
    // Who is still not whole is taken from the report, with the events still not delivered: a count
    // taken a second earlier (as `late` is) disagrees with it whenever the last clients recover between.
    const rep = await fleet.report(stats.lastSeq ?? {});
    if (late !== rep.pending)
      ctx.log(`${late} clients were not whole 2 s after publishing stopped, ${rep.pending} at the report`);
    const watchers = c.opened / o.jobTopics;
    const expected = stats.jobOk * watchers + stats.bcastOk * c.opened;
    if (stats.errors.length || rep.errors.length) {
      ctx.note(`${o.kind}: ${[...new Set([...stats.errors, ...rep.errors])].slice(0, 6).join('; ')}`);
    }
    return {
      rep,
      stats,
      opened: c.opened,
      cpu,
      clientCpu,
      cpuWait,
      clientProcs: fleet.pids().length,
      cpuWindow,
      deliveredPerSec: (rep.delivered / Math.max(1, stats.elapsedMs)) * 1000,
      peakRssMiB: peakKiB / 1024,
      pending: rep.pending,
      deliveredRatio: expected ? rep.delivered / expected : NaN,
    };
  } finally {
    clearInterval(sampler);
    await pub.stop();
    await fleet.stop();
  }
}

/** The rows every resume table shares (the storm adds its own above them). */
export function resumeRows(what: string): RowDef[] {
  return [
    { key: 'clients', label: `clients (${what})` },
    { key: 'rp50', label: 'resume p50: cut → every missed event held (ms)', format: fmt.ms },
    {
      key: 'rp99',
      label: 'resume p99 (ms)',
      format: fmt.ms,
      target: '≤ 500 ms',
      met: (all) => metBelow(all, 'rp99', 500),
    },
    {
      key: 'rmax',
      label: 'resume max (ms)',
      format: fmt.ms,
      target: '≤ 2,000 ms',
      met: (all) => metBelow(all, 'rmax', 2000),
    },
    {
      key: 'st1',
      label: 'stage 1, cut → reconnected (TCP + WebSocket / HTTP handshake done): p50 / p99 (ms)',
    },
    { key: 'st2', label: "stage 2, cut → every topic's resume answered (subscribed): p50 / p99 (ms)" },
    { key: 'st3', label: 'stage 3, answered → whole (the replay, per client): p50 / p99 (ms)' },
    {
      key: 'rr99',
      label: `resume p99 from the reconnect (the ≤ ${JITTER_MS} ms jitter left out)`,
      format: fmt.ms,
    },
    {
      key: 'pending',
      label: 'clients not whole at the end (counted with the events below)',
      format: fmt.int,
      target: '0',
    },
    {
      key: 'missed',
      label: 'missed events: seq gaps + resumes answered without history',
      format: fmt.int,
      target: '0',
    },
    {
      key: 'tail',
      label: 'events still not delivered when the run ended (clients behind)',
      format: fmt.int,
      target: '0',
    },
    { key: 'unrec', label: 'resumes answered recovered: false', format: fmt.int, target: '0' },
    { key: 'dup', label: 'duplicated events', format: fmt.int, target: '0' },
    { key: 'cpu', label: 'server CPU from the cut until all were whole (100 % = one core)', format: fmt.pct },
    {
      key: 'cwait',
      label: 'server waiting for a core meanwhile (runnable, not running: the machine busy elsewhere)',
      format: fmt.pct,
    },
    { key: 'ccpu', label: "load generators' CPU over the same time (summed; their count)" },
    { key: 'rss', label: 'server peak RSS (MiB)', format: fmt.mib },
    { key: 'live99', label: 'live per-job p99 before the cut (ms)', format: fmt.ms },
    { key: 'delivered', label: 'events delivered / expected', format: fmt.pct },
    { key: 'failed', label: 'failed publishes', format: fmt.int },
    {
      key: 'late',
      label: 'events sent > 5 ms late (publisher behind; stamped with due time)',
      format: fmt.int,
    },
    { key: 'downs', label: 'transports lost (by reason)' },
  ];
}

function metBelow(all: Partial<Record<string, Values>>, key: string, limit: number): boolean | undefined {
  const vals = Object.values(all)
    .filter((v) => v && String(v.isJobstream) === 'yes')
    .map((v) => v?.[key]);
  if (!vals.length || vals.some((v) => typeof v !== 'number')) return undefined;
  return vals.every((v) => typeof v === 'number' && v <= limit);
}

function p50p99(h: Histogram): string | undefined {
  return h.count ? `${fmt.ms(h.percentile(0.5))} / ${fmt.ms(h.percentile(0.99))}` : undefined;
}

export function resumeValues(r: ResumeRunResult, label: string, jobstream: boolean): Values {
  return {
    isJobstream: jobstream ? 'yes' : 'no',
    clients: `${fmt.int(r.opened)} ${label}`,
    rp50: r.rep.recovery.percentile(0.5),
    rp99: r.rep.recovery.percentile(0.99),
    rmax: r.rep.recovery.count ? r.rep.recovery.maxMs : NaN,
    st1: p50p99(r.rep.reconnected),
    st2: p50p99(r.rep.subscribed),
    st3: p50p99(r.rep.replay),
    rr99: r.rep.fromReconnect.percentile(0.99),
    pending: r.pending,
    missed: r.rep.missed,
    tail: r.rep.tailMissing,
    unrec: r.rep.notRecovered,
    dup: r.rep.duplicated,
    cpu: r.cpu,
    cwait: r.cpuWait,
    ccpu: Number.isNaN(r.clientCpu) ? undefined : `${fmt.pct(r.clientCpu)} (${r.clientProcs})`,
    rss: r.peakRssMiB,
    live99: r.rep.live.percentile(0.99),
    delivered: r.deliveredRatio,
    failed: r.stats.failed,
    late: r.stats.late,
    downs: closesText(r.rep.downs),
  };
}
