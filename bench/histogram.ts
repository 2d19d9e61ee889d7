// Latency histogram with bounded memory: 1 µs buckets below 1 ms, then
// log buckets 1 % wide. Merging across load generators is just adding
// counts, so children send a sparse snapshot and the parent sums them.

const LINEAR_US = 1000;
const LOG_STEP = Math.log(1.01);
const LOG_BUCKETS = 1200; // 1 ms × 1.01^1200 ≈ 150 s, far above any timeout
const SIZE = LINEAR_US + LOG_BUCKETS + 1;

export interface HistogramSnapshot {
  count: number;
  sumMs: number;
  maxMs: number;
  /** [bucket index, count] pairs for non-empty buckets */
  buckets: [number, number][];
}

function bucketOf(us: number): number {
  if (us < LINEAR_US) return us < 0 ? 0 : Math.floor(us);
  const i = LINEAR_US + Math.floor(Math.log(us / LINEAR_US) / LOG_STEP);
  return i < SIZE ? i : SIZE - 1;
}

/** Upper edge of a bucket in ms, so percentiles never flatter the server. */
function upperMs(i: number): number {
  if (i < LINEAR_US) return (i + 1) / 1000;
  return (LINEAR_US * Math.exp((i - LINEAR_US + 1) * LOG_STEP)) / 1000;
}

export class Histogram {
  private counts = new Uint32Array(SIZE);
  count = 0;
  sumMs = 0;
  maxMs = 0;

  record(ms: number): void {
    const b = bucketOf(ms * 1000);
    this.counts[b] = (this.counts[b] ?? 0) + 1;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) buckets.push([i, c]);
    });
    return { count: this.count, sumMs: this.sumMs, maxMs: this.maxMs, buckets };
  }

  merge(s: HistogramSnapshot): void {
    for (const [i, c] of s.buckets) this.counts[i] = (this.counts[i] ?? 0) + c;
    this.count += s.count;
    this.sumMs += s.sumMs;
    if (s.maxMs > this.maxMs) this.maxMs = s.maxMs;
  }

  /** q in [0,1]; NaN when empty. The max is exact, so cap the bucket edge by it. */
  percentile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(upperMs(i), this.maxMs);
    }
    return this.maxMs;
  }
}

/** Percentile of a small plain array (e.g. one value per broadcast event). */
export function percentileOf(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}
