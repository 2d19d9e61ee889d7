// Load-generator child: holds its share of client connections, counts the
// events they receive and records publish-to-receive latency. Driven by the
// orchestrator over IPC (see ipc-messages.ts).

import { performance } from 'node:perf_hooks';
import { openers } from './client-adapters.js';
import type { Conn, ConnHooks } from './client-adapters.js';
import { pushEvent, serveRpc } from './child-rpc.js';
import { connectPool } from './connect-result.js';
import { Histogram } from './histogram.js';
import type { ConnectArgs, ConnectResult, Counts, LoadgenCalls } from './ipc-messages.js';

const MAX_ERRORS = 20;
/** bounded map of broadcast index → slowest receiver so far */
const MAX_BCAST_TRACKED = 10_000;

const conns: (Conn | undefined)[] = [];
let received = new Uint32Array(0);
let open = new Uint8Array(0);
let delivered = 0;
let measuring = false;
const job = new Histogram();
const bcast = new Histogram();
const bcastLast = new Map<number, number>();
const closes: Record<string, number> = {};
const errors = new Map<string, number>();
let progressTimer: NodeJS.Timeout | undefined;

function noteError(msg: string): void {
  if (errors.has(msg)) errors.set(msg, (errors.get(msg) ?? 0) + 1);
  else if (errors.size < MAX_ERRORS) errors.set(msg, 1);
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function hooksFor(i: number): ConnHooks {
  return {
    onEvent(t, bi) {
      received[i] = (received[i] ?? 0) + 1;
      delivered++;
      if (!measuring || Number.isNaN(t)) return;
      const ms = now() - t;
      if (bi < 0) {
        job.record(ms);
        return;
      }
      bcast.record(ms);
      const prev = bcastLast.get(bi);
      if (prev === undefined) {
        if (bcastLast.size < MAX_BCAST_TRACKED) bcastLast.set(bi, ms);
      } else if (ms > prev) bcastLast.set(bi, ms);
    },
    onUnexpectedClose(reason) {
      open[i] = 0;
      closes[reason] = (closes[reason] ?? 0) + 1;
    },
    onError: noteError,
  };
}

function topicsFor(args: ConnectArgs, globalIndex: number): string[] {
  const { shared, perJob } = args.topics;
  return perJob ? [...shared, `${perJob.prefix}${globalIndex % perJob.count}`] : shared;
}

async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const open1 = openers[args.kind];
  const base = conns.length;
  received = grow(received, base + args.count);
  open = grow(open, base + args.count);
  return connectPool(args.count, args.concurrency, async (k) => {
    const g = args.firstIndex + k;
    const localAddress = args.sourceAddrs[g % args.sourceAddrs.length] ?? '127.0.0.1';
    const t0 = performance.now();
    try {
      const c = await open1(
        { url: args.url, localAddress, parseLatency: args.parseLatency, timeoutMs: args.timeoutMs },
        hooksFor(base + k),
      );
      const ms = performance.now() - t0;
      conns[base + k] = c;
      open[base + k] = 1;
      await Promise.all(topicsFor(args, g).map((t) => c.subscribe(t, args.timeoutMs)));
      return ms;
    } catch (err) {
      open[base + k] = 0;
      conns[base + k]?.close();
      conns[base + k] = undefined;
      throw err;
    }
  });
}

function grow<T extends Uint32Array | Uint8Array>(a: T, size: number): T {
  if (a.length >= size) return a;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

function counts(): Counts {
  let min = Infinity;
  let n = 0;
  for (let i = 0; i < open.length; i++) {
    if (!open[i]) continue;
    n++;
    const r = received[i] ?? 0;
    if (r < min) min = r;
  }
  return { delivered, minReceived: n ? min : 0, open: n };
}

serveRpc<LoadgenCalls>({
  connect,
  reset() {
    delivered = 0;
    received.fill(0);
    job.reset();
    bcast.reset();
    bcastLast.clear();
    return null;
  },
  measure({ on }) {
    measuring = on;
    return null;
  },
  counts,
  report() {
    return {
      ...counts(),
      job: job.snapshot(),
      bcast: bcast.snapshot(),
      bcastLast: [...bcastLast],
      closes,
      errors: [...errors].map(([m, n]) => `${m} (×${n})`),
    };
  },
  progress({ periodMs }) {
    clearInterval(progressTimer);
    progressTimer =
      periodMs > 0
        ? setInterval(() => {
            pushEvent('progress', counts());
          }, periodMs)
        : undefined;
    return null;
  },
  async closeAll() {
    clearInterval(progressTimer);
    for (let i = 0; i < conns.length; i++) {
      open[i] = 0;
      conns[i]?.close();
      conns[i] = undefined;
    }
    // Give close frames a moment to go out; the process is killed afterwards anyway.
    await new Promise((r) => setTimeout(r, 200));
    return null;
  },
});
