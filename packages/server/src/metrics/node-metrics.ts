import type { WorkJob } from '@jobstream/protocol';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { registerCollected, type MetricsSources } from './collected.js';

export type { MetricsSources } from './collected.js';

/** An event as the outbox relay hands it on. */
interface RelayedEvent {
  readonly topic: string;
  readonly type: string;
  readonly data: unknown;
}

let processRegistry: Registry | undefined;
/** Node's own metrics (event-loop lag, heap, GC, CPU): once per process, however many nodes it runs. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * One node's Prometheus metrics. Nothing here runs per event per connection: the gateway adds to plain
 * counters (gateway/traffic.ts), which are read with the hub, broker, outbox and queue when `/metrics`
 * is scraped (see collected.ts). Histograms are observed once per event (publish to write), per resume
 * (replay size) and per finished work job (duration).
 */
export class NodeMetrics {
  readonly #all: Registry;
  #sources: MetricsSources | undefined;
  #httpRateLimited = 0;
  readonly #latency: Histogram;
  readonly #replay: Histogram;
  readonly #work: Histogram<'kind' | 'status'>;

  constructor() {
    const own = new Registry();
    registerCollected(
      own,
      () => this.#sources,
      () => this.#httpRateLimited,
    );
    const registers = [own];
    this.#latency = new Histogram({
      name: 'jobstream_publish_to_write_seconds',
      help: 'From an event’s publish to its frames handed to this node’s sockets',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#replay = new Histogram({
      name: 'jobstream_replay_events',
      help: 'Events a resuming subscription is replayed',
      buckets: [0, 1, 10, 100, 1000, 10_000, 100_000],
      registers,
    });
    this.#work = new Histogram({
      name: 'jobstream_work_duration_seconds',
      help: 'Run time of finished work jobs (started to finished), by kind and outcome',
      labelNames: ['kind', 'status'],
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.#all = Registry.merge([processMetrics(), own]);
  }

  /** Where the collected metrics are read from; until it is given, they read as zero. */
  readFrom(sources: MetricsSources): void {
    this.#sources = sources;
    for (const endpoint of sources.endpoints) sources.registry.traffic.of(endpoint);
  }

  readonly latency = (seconds: number): void => this.#latency.observe(seconds);
  readonly replayed = (events: number): void => this.#replay.observe(events);

  /** An HTTP request was refused with 429. */
  httpRateLimited(): void {
    this.#httpRateLimited++;
  }

  /** A committed event was relayed: a finished work job's run time is observed. */
  relayed(event: RelayedEvent): void {
    if (event.topic !== 'queue' || (event.type !== 'work.completed' && event.type !== 'work.failed')) return;
    const job = event.data as Partial<WorkJob>;
    if (!job.started_at || !job.finished_at || !job.kind || !job.status) return;
    const seconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
    if (seconds >= 0) this.#work.observe({ kind: job.kind, status: job.status }, seconds);
  }

  get contentType(): string {
    return this.#all.contentType;
  }

  /** The exposition text. */
  scrape(): Promise<string> {
    return this.#all.metrics();
  }
}
