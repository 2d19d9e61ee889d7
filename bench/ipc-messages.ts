// The calls the orchestrator makes to its children (load generators and the
// publisher). Both sides compile against these maps, so IPC stays typed.

import type { HistogramSnapshot } from './histogram.js';

export type ClientKind = 'ws' | 'socketio';

/** Which topics connection number i (counted over the whole fleet) watches. */
export interface TopicPlan {
  /** every connection subscribes to these */
  shared: string[];
  /** plus `${prefix}${i % count}` when set */
  perJob?: { prefix: string; count: number };
}

export interface ConnectArgs {
  kind: ClientKind;
  url: string;
  /** global index of this child's first connection (for topics and source address) */
  firstIndex: number;
  count: number;
  topics: TopicPlan;
  /** parse the publisher's timestamp out of each event (off for pure throughput) */
  parseLatency: boolean;
  concurrency: number;
  sourceAddrs: string[];
  timeoutMs: number;
}

export interface ConnectResult {
  opened: number;
  failed: number;
  elapsedMs: number;
  /** connect → first server message */
  handshake: HistogramSnapshot;
  errors: string[];
}

export interface Counts {
  delivered: number;
  /** fewest events any still-open connection has received (for flow control) */
  minReceived: number;
  open: number;
}

export interface LoadgenReport extends Counts {
  job: HistogramSnapshot;
  bcast: HistogramSnapshot;
  /** [broadcast index, slowest receiver latency in ms] */
  bcastLast: [number, number][];
  /** unexpected closes by code / reason */
  closes: Record<string, number>;
  errors: string[];
}

type Empty = Record<string, never>;

export interface LoadgenCalls {
  connect: { args: ConnectArgs; result: ConnectResult };
  /** zero counters and histograms */
  reset: { args: Empty; result: null };
  /** histograms record only while measuring, so warm-up is excluded */
  measure: { args: { on: boolean }; result: null };
  counts: { args: Empty; result: Counts };
  report: { args: Empty; result: LoadgenReport };
  /** push a 'progress' event with Counts every periodMs (0 stops) */
  progress: { args: { periodMs: number }; result: null };
  closeAll: { args: Empty; result: null };
}

export interface PublishTarget {
  baseUrl: string;
  key: string;
  inflight: number;
}

export interface PublishStats {
  ok: number;
  failed: number;
  jobOk: number;
  bcastOk: number;
  /** events sent more than LATE_MS after they were due (stamped with the due time) */
  late: number;
  status: Record<string, number>;
  errors: string[];
  elapsedMs: number;
}

export interface PublisherCalls {
  /** publish to one topic as fast as accepted, within credit; returns at once */
  saturate: { args: PublishTarget & { topic: string; maxMs: number; credit: number }; result: null };
  /** raise the number of events saturate may have sent in total */
  credit: { args: { limit: number }; result: null };
  stop: { args: Empty; result: PublishStats };
  /** fixed-rate publishing; resolves when durationMs is over */
  paced: {
    args: PublishTarget & {
      durationMs: number;
      jobs?: { prefix: string; count: number; perSec: number };
      broadcast?: { topic: string; perSec: number };
    };
    result: PublishStats;
  };
}
