import type { QueueStats, WorkJob } from '@jobstream/protocol';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionRegistry } from '../gateway/registry.js';
import type { EndpointTraffic } from '../gateway/traffic.js';
import type { Broker } from '../hub/broker.js';
import type { Hub } from '../hub/hub.js';

/** What the metrics read when they are scraped. */
export interface MetricsSources {
  readonly registry: ConnectionRegistry;
  readonly hub: Hub;
  readonly broker: Broker;
  /** Every endpoint's name, so that each has its series (at 0) from the start. */
  readonly endpoints: readonly string[];
  /** When the oldest outbox row still to be published was committed (ISO), or null. */
  readonly oldestUnpublished: () => Promise<string | null>;
  readonly queue: () => Promise<QueueStats>;
}

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

type Traffic = keyof Omit<EndpointTraffic, 'received' | 'wrote'>;

/**
 * One node's Prometheus metrics. Nothing here runs per event per connection: the gateway adds to plain
 * counters (see gateway/traffic.ts) and the gauges and counters below read them, and the hub, broker,
 * outbox and queue, in `collect()` when `/metrics` is scraped. Histograms are observed once per event
 * (publish to write), per resume (replay size) and per finished work job (duration).
 */
export class NodeMetrics {
  readonly #own = new Registry();
  readonly #all: Registry;
  #sources: MetricsSources | undefined;
  #httpRateLimited = 0;
  readonly #latency: Histogram;
  readonly #replay: Histogram;
  readonly #work: Histogram<'kind' | 'status'>;

  constructor() {
    const registers = [this.#own];
    const traffic = (name: string, help: string, field: Traffic, extra?: () => [string, number][]) =>
      new Counter({
        name,
        help,
        labelNames: ['endpoint'],
        registers,
        collect: () => {
          const counter = this.#counterOf(name);
          counter.reset();
          for (const [endpoint, counts] of this.#traffic()) counter.inc({ endpoint }, counts[field]);
          for (const [endpoint, n] of extra?.() ?? []) counter.inc({ endpoint }, n);
        },
      });
    traffic('jobstream_messages_received_total', 'Client messages received', 'messagesIn');
    traffic('jobstream_received_bytes_total', 'Bytes of client messages received', 'bytesIn');
    traffic('jobstream_messages_sent_total', 'Frames written to clients', 'messagesOut');
    traffic('jobstream_sent_bytes_total', 'Bytes written to clients', 'bytesOut');
    traffic('jobstream_slow_consumer_disconnects_total', 'Connections closed with 4008', 'slowConsumerCuts');
    traffic(
      'jobstream_rate_limited_total',
      'Refused as over a rate limit (http: 429 answers)',
      'rateLimited',
      () => [['http', this.#httpRateLimited]],
    );
    new Gauge({
      name: 'jobstream_connections',
      help: 'Open connections',
      labelNames: ['endpoint'],
      registers,
      collect: () => {
        const gauge = this.#gaugeOf('jobstream_connections');
        const open = this.#sources?.registry.byEndpoint() ?? {};
        for (const endpoint of this.#sources?.endpoints ?? []) gauge.set({ endpoint }, open[endpoint] ?? 0);
      },
    });
    this.#hubAndBroker(registers);
    this.#storeAndQueue(registers);
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
    this.#all = Registry.merge([processMetrics(), this.#own]);
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
    if (event.topic !== 'queue' || !/^work\.(completed|failed)$/.test(event.type)) return;
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

  #traffic(): Iterable<[string, EndpointTraffic]> {
    return this.#sources?.registry.traffic.entries() ?? [];
  }

  #counterOf(name: string): Counter<'endpoint'> {
    return this.#own.getSingleMetric(name) as Counter<'endpoint'>;
  }

  #gaugeOf(name: string): Gauge<string> {
    return this.#own.getSingleMetric(name) as Gauge<string>;
  }

  #hubAndBroker(registers: Registry[]): void {
    const total = (name: string, help: string, read: (s: MetricsSources) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect: () => {
          const counter = this.#own.getSingleMetric(name) as Counter;
          counter.reset();
          if (this.#sources) counter.inc(read(this.#sources));
        },
      });
    total(
      'jobstream_events_published_total',
      'Events published through this node',
      (s) => s.hub.stats().published,
    );
    total(
      'jobstream_events_delivered_total',
      'Events handed to local subscriptions',
      (s) => s.hub.stats().delivered,
    );
    total(
      'jobstream_broker_errors_total',
      'Errors the broker’s connections reported',
      (s) => s.broker.health?.().errors ?? 0,
    );
    total(
      'jobstream_broker_reconnects_total',
      'Broker connections made again after a loss',
      (s) => s.broker.health?.().reconnects ?? 0,
    );
    new Gauge({
      name: 'jobstream_subscriptions',
      help: 'Topic subscriptions of this node’s connections',
      registers,
      collect: () =>
        this.#gaugeOf('jobstream_subscriptions').set(this.#sources?.hub.stats().subscriptions ?? 0),
    });
  }

  #storeAndQueue(registers: Registry[]): void {
    new Gauge({
      name: 'jobstream_outbox_lag_seconds',
      help: 'Age of the oldest committed event not yet published (0: none waits)',
      registers,
      collect: async () => {
        const oldest = await this.#sources?.oldestUnpublished().catch(() => null);
        const age = oldest ? Math.max(0, Date.now() - Date.parse(oldest)) / 1000 : 0;
        this.#gaugeOf('jobstream_outbox_lag_seconds').set(age);
      },
    });
    new Gauge({
      name: 'jobstream_work_jobs',
      help: 'Work jobs by status',
      labelNames: ['status'],
      registers,
      collect: async () => {
        const stats = await this.#sources?.queue().catch(() => undefined);
        if (!stats) return;
        const gauge = this.#gaugeOf('jobstream_work_jobs');
        gauge.set({ status: 'queued' }, stats.pending);
        gauge.set({ status: 'running' }, stats.in_progress);
        gauge.set({ status: 'complete' }, stats.completed);
        gauge.set({ status: 'failed' }, stats.failed);
        gauge.set({ status: 'cancelled' }, stats.cancelled);
      },
    });
  }
}
