// A fleet is the set of load-generator children holding one scenario's
// client connections, plus helpers to drive them all at once.

import { RpcClient } from './child-rpc.js';
import { forkBench, stopChild } from './children.js';
import { Histogram } from './histogram.js';
import type { ChildProcess } from 'node:child_process';
import type {
  ConnectArgs,
  Counts,
  LoadgenCalls,
  LoadgenReport,
  PublisherCalls,
  TopicPlan,
} from './ipc-messages.js';
import type { RunningServer } from './server-process.js';

/** Keep each child well under the 20,000 open-file limit. */
const CONNS_PER_LOADGEN = 5000;
/** Source addresses 127.0.0.2 … so one address never runs out of ephemeral ports. */
export const SOURCE_ADDRS = Array.from({ length: 200 }, (_, i) => `127.0.0.${i + 2}`);
const CALL_TIMEOUT_MS = 15_000;

export interface FleetOptions {
  total: number;
  topics: TopicPlan;
  parseLatency: boolean;
  /** concurrent handshakes over the whole fleet */
  concurrency?: number;
  /** minimum number of children (clients get more CPU when spread) */
  minChildren?: number;
}

export interface ConnectSummary {
  opened: number;
  failed: number;
  elapsedMs: number;
  handshake: Histogram;
  errors: string[];
}

export class Fleet {
  private constructor(
    readonly rpcs: RpcClient<LoadgenCalls>[],
    private readonly children: ChildProcess[],
  ) {}

  static async start(n: number): Promise<Fleet> {
    const children = Array.from({ length: n }, () => forkBench(new URL('./loadgen.ts', import.meta.url)));
    const rpcs = children.map((c, i) => new RpcClient<LoadgenCalls>(c, `loadgen#${i}`));
    const fleet = new Fleet(rpcs, children);
    // A cheap call proves each child is up and listening.
    await fleet.all('counts', {});
    return fleet;
  }

  static childrenFor(total: number, min = 2): number {
    return Math.max(min, Math.ceil(total / CONNS_PER_LOADGEN));
  }

  all<K extends keyof LoadgenCalls>(
    cmd: K,
    args: LoadgenCalls[K]['args'],
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<LoadgenCalls[K]['result'][]> {
    return Promise.all(this.rpcs.map((r) => r.call(cmd, args, timeoutMs)));
  }

  /** Split `total` connections over the children and open them in parallel. */
  async connect(server: RunningServer, o: FleetOptions, timeoutMs: number): Promise<ConnectSummary> {
    const n = this.rpcs.length;
    const concurrency = Math.max(1, Math.ceil((o.concurrency ?? 256) / n));
    let first = 0;
    const started = performance.now();
    const results = await Promise.all(
      this.rpcs.map((rpc, i) => {
        const count = Math.floor(o.total / n) + (i < o.total % n ? 1 : 0);
        const args: ConnectArgs = {
          kind: server.spec.client,
          url: server.clientUrl,
          firstIndex: first,
          count,
          topics: o.topics,
          parseLatency: o.parseLatency,
          concurrency,
          sourceAddrs: SOURCE_ADDRS,
          timeoutMs: 10_000,
        };
        first += count;
        return rpc.call('connect', args, timeoutMs);
      }),
    );
    const handshake = new Histogram();
    for (const r of results) handshake.merge(r.handshake);
    const errors = results.flatMap((r) => r.errors);
    // Measuring zero clients would print plausible-looking zeros; stop instead.
    if (o.total > 0 && results.every((r) => r.opened === 0)) {
      throw new Error(`no connection could open and subscribe: ${errors.join('; ')}`);
    }
    return {
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      elapsedMs: performance.now() - started,
      handshake,
      errors,
    };
  }

  async counts(): Promise<Counts> {
    return sumCounts(await this.all('counts', {}));
  }

  async report(): Promise<FleetReport> {
    const reports = await this.all('report', {});
    return mergeReports(reports);
  }

  async stop(): Promise<void> {
    await this.all('closeAll', {}, 5000).catch(() => undefined);
    await Promise.all(this.children.map((c) => stopChild(c, 1000)));
  }
}

export function sumCounts(cs: Counts[]): Counts {
  return {
    delivered: cs.reduce((a, c) => a + c.delivered, 0),
    minReceived: cs.filter((c) => c.open > 0).reduce((a, c) => Math.min(a, c.minReceived), Infinity),
    open: cs.reduce((a, c) => a + c.open, 0),
  };
}

export interface FleetReport extends Counts {
  job: Histogram;
  bcast: Histogram;
  /** slowest receiver per broadcast event, ms */
  bcastLast: number[];
  closes: Record<string, number>;
  errors: string[];
}

function mergeReports(rs: LoadgenReport[]): FleetReport {
  const job = new Histogram();
  const bcast = new Histogram();
  const last = new Map<number, number>();
  const closes: Record<string, number> = {};
  for (const r of rs) {
    job.merge(r.job);
    bcast.merge(r.bcast);
    for (const [bi, ms] of r.bcastLast) last.set(bi, Math.max(ms, last.get(bi) ?? 0));
    for (const [k, v] of Object.entries(r.closes)) closes[k] = (closes[k] ?? 0) + v;
  }
  return {
    ...sumCounts(rs),
    job,
    bcast,
    bcastLast: [...last.values()],
    closes,
    errors: [...new Set(rs.flatMap((r) => r.errors))],
  };
}

export async function startPublisher(): Promise<{
  rpc: RpcClient<PublisherCalls>;
  stop: () => Promise<void>;
}> {
  const child = forkBench(new URL('./publisher.ts', import.meta.url));
  const rpc = new RpcClient<PublisherCalls>(child, 'publisher');
  // Wait until the child answers (an unknown command still proves it is listening).
  await rpc.call('credit', { limit: 0 }, CALL_TIMEOUT_MS);
  return { rpc, stop: () => stopChild(child, 1000) };
}
