// Publisher child: POSTs /api/v1/publish to the server under test, either as
// fast as it takes them (bounded in flight and by a credit the orchestrator
// raises as clients catch up) or at a fixed rate for latency runs. Each event
// carries the send time so receivers can compute publish-to-receive latency.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveRpc } from './child-rpc.js';
import type { PublisherCalls, PublishStats, PublishTarget } from './ipc-messages.js';

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ERRORS = 10;

function newStats(): PublishStats {
  return { ok: 0, failed: 0, jobOk: 0, bcastOk: 0, late: 0, status: {}, errors: [], elapsedMs: 0 };
}

function stamp(): string {
  return (performance.timeOrigin + performance.now()).toFixed(3);
}

/** Further behind schedule than timer jitter explains: the in-flight bound held the event back. */
const LATE_MS = 5;

class Poster {
  private readonly agent: http.Agent;
  private readonly url: URL;
  inflight = 0;

  constructor(
    private readonly target: PublishTarget,
    private readonly stats: PublishStats,
  ) {
    this.url = new URL('/api/v1/publish', target.baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: target.inflight });
  }

  /** Resolves true on 2xx; never rejects. */
  post(topic: string, data: string): Promise<boolean> {
    const body = `{"topic":"${topic}","type":"bench.tick","data":${data}}`;
    this.inflight++;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean, status: string) => {
        this.inflight--;
        this.stats.status[status] = (this.stats.status[status] ?? 0) + 1;
        if (ok) this.stats.ok++;
        else this.stats.failed++;
        resolve(ok);
      };
      const req = http.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${this.target.key}`,
        },
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('publish timed out')));
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (code >= 300) chunks.push(c);
        });
        res.on('end', () => {
          if (code >= 300) this.noteError(`HTTP ${code}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          done(code >= 200 && code < 300, String(code));
        });
      });
      req.on('error', (err) => {
        this.noteError(err.message);
        done(false, 'error');
      });
      req.end(body);
    });
  }

  private noteError(msg: string) {
    if (this.stats.errors.length < MAX_ERRORS && !this.stats.errors.includes(msg))
      this.stats.errors.push(msg);
  }

  close() {
    this.agent.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let saturation: { stop: () => void; done: Promise<PublishStats> } | undefined;
let credit = 0;
const creditWaiters = new Set<() => void>();

function startSaturate(args: PublisherCalls['saturate']['args']) {
  const stats = newStats();
  const poster = new Poster(args, stats);
  const deadline = performance.now() + args.maxMs;
  const t0 = performance.now();
  let stopped = false;
  credit = args.credit;
  const worker = async () => {
    while (!stopped && performance.now() < deadline) {
      if (stats.ok + poster.inflight >= credit) {
        // Clients are behind: wait for more credit (or re-check shortly).
        await Promise.race([new Promise<void>((r) => creditWaiters.add(r)), sleep(20)]);
        continue;
      }
      if (!(await poster.post(args.topic, `{"t":${stamp()}}`))) await sleep(5);
    }
  };
  const done = Promise.all(Array.from({ length: args.inflight }, worker)).then(() => {
    stats.elapsedMs = performance.now() - t0;
    poster.close();
    return stats;
  });
  saturation = { stop: () => (stopped = true), done };
}

async function paced(args: PublisherCalls['paced']['args']): Promise<PublishStats> {
  const stats = newStats();
  const poster = new Poster(args, stats);
  const t0 = performance.now();
  /**
   * Event k of a stream is due at (k + 1) / perSec. A late event is stamped with its due time, so the
   * time it waited in the publisher counts as latency instead of silently vanishing (coordinated omission).
   */
  const stampDue = (k: number, perSec: number): string => {
    const due = performance.timeOrigin + t0 + ((k + 1) * 1000) / perSec;
    const now = performance.timeOrigin + performance.now();
    if (now - due <= LATE_MS) return now.toFixed(3);
    stats.late++;
    return due.toFixed(3);
  };
  const streams = [
    args.jobs && {
      perSec: args.jobs.perSec,
      sent: 0,
      fire: (k: number) => {
        const j = args.jobs;
        if (!j) return;
        const data = `{"t":${stampDue(k, j.perSec)}}`;
        void poster.post(`${j.prefix}${k % j.count}`, data).then((ok) => ok && stats.jobOk++);
      },
    },
    args.broadcast && {
      perSec: args.broadcast.perSec,
      sent: 0,
      fire: (k: number) => {
        const b = args.broadcast;
        if (!b) return;
        const data = `{"t":${stampDue(k, b.perSec)},"bi":${k}}`;
        void poster.post(b.topic, data).then((ok) => ok && stats.bcastOk++);
      },
    },
  ].filter((s) => s !== undefined);
  // A 1 ms timer with catch-up: send whatever is due, never more than the in-flight bound.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      const end = elapsed >= args.durationMs;
      for (const s of streams) {
        const due = Math.floor((Math.min(elapsed, args.durationMs) / 1000) * s.perSec);
        while (s.sent < due) {
          if (poster.inflight >= args.inflight) break;
          s.fire(s.sent++);
        }
      }
      if (end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // Let the last responses come back (bounded by the request timeout).
  const drainUntil = performance.now() + REQUEST_TIMEOUT_MS;
  while (poster.inflight > 0 && performance.now() < drainUntil) await sleep(10);
  stats.elapsedMs = performance.now() - t0;
  poster.close();
  return stats;
}

serveRpc<PublisherCalls>({
  saturate(args) {
    if (saturation) throw new Error('already saturating');
    startSaturate(args);
    return null;
  },
  credit({ limit }) {
    credit = Math.max(credit, limit);
    for (const wake of creditWaiters) wake();
    creditWaiters.clear();
    return null;
  },
  async stop() {
    if (!saturation) throw new Error('not saturating');
    const s = saturation;
    saturation = undefined;
    s.stop();
    return s.done;
  },
  paced,
});
