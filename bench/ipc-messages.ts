// The calls the orchestrator makes to its children (load generators and the
// publisher). Both sides compile against these maps, so IPC stays typed.

import type { HistogramSnapshot } from './histogram.js';

/** dialect: any documented WebSocket endpoint; counts frames whose text holds "t=<ms>" (a posting title) */
export type ClientKind = 'ws' | 'socketio' | 'dialect';

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
  /** several nodes: publishes go round them, and one that fails is tried on the other nodes */
  baseUrls?: string[];
  key: string;
  inflight: number;
  /** keep the highest accepted seq per topic (PublishStats.lastSeq) */
  trackSeq?: boolean;
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
  /** with trackSeq: the highest seq the server answered, per topic */
  lastSeq?: Record<string, number>;
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
      /** posting.created events (the stamp in job_title as "t=<ms>"), for the dialects */
      postings?: { topic: string; perSec: number };
      /** work.progress events of anonymous work (the stamp in phase as "t=<ms>"), for the job-queue dialect */
      work?: { topic: string; perSec: number };
      /** matching.job.target.candidate events of one run on work:{runId} (the stamp in target_name) */
      matching?: { runId: string; perSec: number };
    };
    result: PublishStats;
  };
}

/** Resuming clients (resume-loadgen.ts): the transports of resume-clients.ts. */
export type ResumeClientKind = 'ws' | 'socketio' | 'sse' | 'poll';

export interface ResumeConnectArgs {
  kind: ResumeClientKind;
  /** client URLs (ws://…/ws for native, http origins for the others); connection g starts on g % n */
  urls: string[];
  firstIndex: number;
  count: number;
  topics: TopicPlan;
  concurrency: number;
  sourceAddrs: string[];
  timeoutMs: number;
  /** reconnects wait uniform [0, jitterMs) first */
  jitterMs: number;
}

export interface ResumeReport {
  /** live-event latency (not counting catch-up after a cut) */
  live: HistogramSnapshot;
  /** cut → every missed event held, per client */
  recovery: HistogramSnapshot;
  /** first reconnect attempt → every missed event held, per client (the jitter left out) */
  fromReconnect: HistogramSnapshot;
  /** the resume in stages, per client: cut → the reconnect's handshake done */
  reconnected: HistogramSnapshot;
  /** cut → the server had answered every topic's resume */
  subscribed: HistogramSnapshot;
  /** every topic answered → every missed event held (the replay) */
  replay: HistogramSnapshot;
  clients: number;
  /** clients cut that had not recovered when the report was taken */
  pending: number;
  delivered: number;
  missed: number;
  /** events a client lacks at the end: the publisher's last seq of a topic beyond the client's */
  tailMissing: number;
  duplicated: number;
  notRecovered: number;
  reconnects: number;
  downs: Record<string, number>;
  errors: string[];
}

export interface ResumeCalls {
  connect: { args: ResumeConnectArgs; result: ConnectResult };
  /** cut every client's TCP socket(s) in one go; answers when (wall clock ms) */
  cut: { args: Empty; result: { at: number } };
  /** clients cut and not yet recovered */
  pending: { args: Empty; result: { pending: number; clients: number } };
  /** start / stop recording live latency; reset zeroes the histograms (counters run from the connect) */
  measure: { args: { on: boolean; reset?: boolean }; result: null };
  /** final: the publisher's last accepted seq per topic */
  report: { args: { final: Record<string, number> }; result: ResumeReport };
  closeAll: { args: Empty; result: null };
}
