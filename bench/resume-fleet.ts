// The orchestrator's side of resume-loadgen.ts: a set of children holding
// resuming clients, cut all at once, waited for, and reported as one.

import { RpcClient } from './child-rpc.js';
import { forkBench, stopChild } from './children.js';
import { SOURCE_ADDRS } from './fleet.js';
import { Histogram } from './histogram.js';
import type { HistogramSnapshot } from './histogram.js';
import type { ChildProcess } from 'node:child_process';
import type { ResumeCalls, ResumeClientKind, ResumeReport, TopicPlan } from './ipc-messages.js';
import { sleep } from './scenario.js';

const CALL_TIMEOUT_MS = 15_000;

type Histograms = 'live' | 'recovery' | 'fromReconnect' | 'reconnected' | 'subscribed' | 'replay';

export type ResumeFleetReport = Omit<ResumeReport, Histograms> & Record<Histograms, Histogram>;

export interface ResumeConnectSummary {
  opened: number;
  failed: number;
  errors: string[];
}

export class ResumeFleet {
  private constructor(
    private readonly rpcs: RpcClient<ResumeCalls>[],
    private readonly children: ChildProcess[],
  ) {}

  /** the load generators' process ids (their CPU is read beside the server's) */
  pids(): number[] {
    return this.children.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** perChild: at most this many clients per child (a long-poll client holds two sockets). */
  static async start(total: number, perChild: number, min = 2): Promise<ResumeFleet> {
    const n = Math.max(min, Math.ceil(total / perChild));
    const children = Array.from({ length: n }, () =>
      forkBench(new URL('./resume-loadgen.ts', import.meta.url)),
    );
    const rpcs = children.map((c, i) => new RpcClient<ResumeCalls>(c, `resume-loadgen#${i}`));
    const fleet = new ResumeFleet(rpcs, children);
    await fleet.all('pending', {});
    return fleet;
  }

  all<K extends keyof ResumeCalls>(
    cmd: K,
    args: ResumeCalls[K]['args'],
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<ResumeCalls[K]['result'][]> {
    return Promise.all(this.rpcs.map((r) => r.call(cmd, args, timeoutMs)));
  }

  async connect(
    o: {
      kind: ResumeClientKind;
      urls: string[];
      total: number;
      topics: TopicPlan;
      jitterMs: number;
      concurrency?: number;
    },
    timeoutMs: number,
  ): Promise<ResumeConnectSummary> {
    const n = this.rpcs.length;
    let first = 0;
    const results = await Promise.all(
      this.rpcs.map((rpc, i) => {
        const count = Math.floor(o.total / n) + (i < o.total % n ? 1 : 0);
        const firstIndex = first;
        first += count;
        return rpc.call(
          'connect',
          {
            kind: o.kind,
            urls: o.urls,
            firstIndex,
            count,
            topics: o.topics,
            concurrency: Math.max(1, Math.ceil((o.concurrency ?? 256) / n)),
            sourceAddrs: SOURCE_ADDRS,
            timeoutMs: 10_000,
            jitterMs: o.jitterMs,
          },
          timeoutMs,
        );
      }),
    );
    const errors = results.flatMap((r) => r.errors);
    if (o.total > 0 && results.every((r) => r.opened === 0)) {
      throw new Error(`no client could connect and subscribe: ${errors.join('; ')}`);
    }
    return {
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors,
    };
  }

  /** Cut every client at once; answers the earliest cut time (wall clock ms). */
  async cut(): Promise<number> {
    const r = await this.all('cut', {});
    return Math.min(...r.map((x) => x.at));
  }

  /** Wait until no client is still catching up, or timeoutMs; answers how many still are. */
  async waitRecovered(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const p = (await this.all('pending', {})).reduce((a, r) => a + r.pending, 0);
      if (p === 0 || performance.now() > deadline) return p;
      await sleep(100);
    }
  }

  async report(final: Record<string, number>): Promise<ResumeFleetReport> {
    const rs = await this.all('report', { final });
    const merged = (f: (r: ResumeReport) => HistogramSnapshot) => {
      const h = new Histogram();
      for (const r of rs) h.merge(f(r));
      return h;
    };
    const downs: Record<string, number> = {};
    for (const r of rs) {
      for (const [k, v] of Object.entries(r.downs)) downs[k] = (downs[k] ?? 0) + v;
    }
    const sum = (f: (r: ResumeReport) => number) => rs.reduce((a, r) => a + f(r), 0);
    return {
      live: merged((r) => r.live),
      recovery: merged((r) => r.recovery),
      fromReconnect: merged((r) => r.fromReconnect),
      reconnected: merged((r) => r.reconnected),
      subscribed: merged((r) => r.subscribed),
      replay: merged((r) => r.replay),
      clients: sum((r) => r.clients),
      pending: sum((r) => r.pending),
      delivered: sum((r) => r.delivered),
      missed: sum((r) => r.missed),
      tailMissing: sum((r) => r.tailMissing),
      duplicated: sum((r) => r.duplicated),
      notRecovered: sum((r) => r.notRecovered),
      reconnects: sum((r) => r.reconnects),
      downs,
      errors: [...new Set(rs.flatMap((r) => r.errors))],
    };
  }

  async stop(): Promise<void> {
    await this.all('closeAll', {}, 5000).catch(() => undefined);
    await Promise.all(this.children.map((c) => stopChild(c, 1000)));
  }
}
