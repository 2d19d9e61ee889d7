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
  private readonly agents: http.Agent[];
  private readonly urls: URL[];
  private next = 0;
  inflight = 0;

  constructor(
    private readonly target: PublishTarget,
    private readonly stats: PublishStats,
  ) {
    const bases = target.baseUrls?.length ? target.baseUrls : [target.baseUrl];
    this.urls = bases.map((b) => new URL('/api/v1/publish', b));
    this.agents = bases.map(() => new http.Agent({ keepAlive: true, maxSockets: target.inflight }));
    if (target.trackSeq) stats.lastSeq = {};
  }

  /** Resolves true on 2xx; never rejects. With several nodes a failure is tried on the others. */
  async post(topic: string, data: string, type = 'bench.tick'): Promise<boolean> {
    const body = `{"topic":"${topic}","type":"${type}","data":${data}}`;
    this.inflight++;
    // With several nodes (one of them may be restarting) every node is tried, a moment apart.
    const tries = this.urls.length > 1 ? this.urls.length + 1 : 1;
    let result: { ok: boolean; status: string } = { ok: false, status: 'error' };
    for (let i = 0; i < tries && !result.ok; i++) {
      if (i > 0) await sleep(50);
      const n = this.next++ % this.urls.length;
      result = await this.send(n, topic, body);
    }
    this.inflight--;
    this.stats.status[result.status] = (this.stats.status[result.status] ?? 0) + 1;
    if (result.ok) this.stats.ok++;
    else this.stats.failed++;
    return result.ok;
  }

  private send(n: number, topic: string, body: string): Promise<{ ok: boolean; status: string }> {
    return new Promise((resolve) => {
      const url = this.urls[n] ?? this.urls[0];
      if (!url) throw new Error('no publish URL');
      const req = http.request(url, {
        method: 'POST',
        agent: this.agents[n],
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${this.target.key}`,
        },
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('publish timed out')));
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        const keep = code >= 300 || this.stats.lastSeq !== undefined;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (keep) chunks.push(c);
        });
        res.on('end', () => {
          const ok = code >= 200 && code < 300;
          if (!ok) this.noteError(`HTTP ${code}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          else if (this.stats.lastSeq) {
            try {
              const { seq } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { seq?: unknown };
              const seen = this.stats.lastSeq;
              if (typeof seq === 'number' && seq > (seen[topic] ?? 0)) seen[topic] = seq;
            } catch {
              this.noteError('unparseable publish answer');
            }
          }
          resolve({ ok, status: String(code) });
        });
      });
      req.on('error', (err) => {
        this.noteError(err.message);
        resolve({ ok: false, status: 'error' });
      });
      req.end(body);
    });
  }

  private noteError(msg: string) {
    if (this.stats.errors.length < MAX_ERRORS && !this.stats.errors.includes(msg))
      this.stats.errors.push(msg);
  }

  close() {
    for (const a of this.agents) a.destroy();
  }
}

/** A version-4-shaped UUID numbered n (the catalogue's ids are UUIDs). */
function benchUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
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
  /**
   * One paced stream: `event` gives event k's topic, data and type (`stamp` is its publish stamp);
   * `counted` is the stats field its accepted publishes add to.
   */
  const stream = <A extends { perSec: number }>(
    a: A | undefined,
    counted: 'jobOk' | 'bcastOk',
    event: (a: A, k: number, stamp: string) => [topic: string, data: string, type?: string],
  ) =>
    a && {
      perSec: a.perSec,
      sent: 0,
      fire: (k: number) => {
        const [topic, data, type] = event(a, k, stampDue(k, a.perSec));
        void poster.post(topic, data, type).then((ok) => ok && stats[counted]++);
      },
    };
  const streams = [
    stream(args.jobs, 'jobOk', (j, k, t) => [`${j.prefix}${k % j.count}`, `{"t":${t}}`]),
    stream(args.broadcast, 'bcastOk', (b, k, t) => [b.topic, `{"t":${t},"bi":${k}}`]),
    // The dialects render their own fields, so the stamp rides in the posting's title.
    stream(args.postings, 'jobOk', (p, k, t) => [
      p.topic,
      `{"posting":{"id":${k + 1},"company":"bench","job_title":"t=${t}","location":"bench","source":"bench"}}`,
      'posting.created',
    ]),
    // A catalogue work job (anonymous: owner null), so the job-queue dialect renders it whole; the
    // stamp rides in its phase. One job per event, each a fresh id.
    stream(args.work, 'jobOk', (w, k, t) => {
      const now = new Date().toISOString();
      return [
        w.topic,
        `{"id":"${benchUuid(k + 1)}","kind":"scrape","status":"running","phase":"t=${t}","progress":${k % 100},"error_message":null,"retries":0,"max_retries":3,"owner":null,"created_at":"${now}","updated_at":"${now}","started_at":"${now}","finished_at":null,"result":null}`,
        'work.progress',
      ];
    }),
    // A matching event as the catalogue has it on work:{id}; the stamp rides in the target's name.
    stream(args.matching, 'jobOk', (m, k, t) => [
      `work:${m.runId}`,
      `{"type":"matching.job.target.candidate","job_id":"${m.runId}","timestamp":"${new Date().toISOString()}","target_id":"${benchUuid(k + 1)}","target_name":"t=${t}","score":0.5,"search_hit_ratio":0.5,"summary_reason":"bench"}`,
      'matching.job.target.candidate',
    ]),
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
