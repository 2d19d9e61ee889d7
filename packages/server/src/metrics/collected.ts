import type { QueueStats } from '@jobstream/protocol';
import { Counter, Gauge, type Registry } from 'prom-client';
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

type Field = 'messagesIn' | 'bytesIn' | 'messagesOut' | 'bytesOut' | 'slowConsumerCuts' | 'rateLimited';

/**
 * The metrics that are read, not counted, when `/metrics` is scraped (prom-client's `collect`): the
 * gateway's plain per-endpoint counters, the open connections, the hub's and the broker's counts, the
 * outbox's lag and the work queue. `read()` is undefined until the node's parts exist (all zero).
 */
export function registerCollected(
  registry: Registry,
  read: () => MetricsSources | undefined,
  httpRateLimited: () => number,
): void {
  const registers = [registry];
  const traffic = (name: string, help: string, field: Field, extra: () => [string, number][] = () => []) =>
    new Counter({
      name,
      help,
      labelNames: ['endpoint'],
      registers,
      collect(this: Counter<'endpoint'>) {
        this.reset();
        const entries: Iterable<[string, EndpointTraffic]> = read()?.registry.traffic.entries() ?? [];
        for (const [endpoint, counts] of entries) this.inc({ endpoint }, counts[field]);
        for (const [endpoint, n] of extra()) this.inc({ endpoint }, n);
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
    () => [['http', httpRateLimited()]],
  );
  new Gauge({
    name: 'jobstream_connections',
    help: 'Open connections',
    labelNames: ['endpoint'],
    registers,
    collect(this: Gauge<'endpoint'>) {
      const open = read()?.registry.byEndpoint() ?? {};
      for (const endpoint of read()?.endpoints ?? []) this.set({ endpoint }, open[endpoint] ?? 0);
    },
  });
  const total = (name: string, help: string, count: (s: MetricsSources) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect(this: Counter) {
        this.reset();
        const sources = read();
        if (sources) this.inc(count(sources));
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
    collect(this: Gauge) {
      this.set(read()?.hub.stats().subscriptions ?? 0);
    },
  });
  new Gauge({
    name: 'jobstream_outbox_lag_seconds',
    help: 'Age of the oldest committed event not yet published (0: none waits)',
    registers,
    async collect(this: Gauge) {
      const oldest = await read()
        ?.oldestUnpublished()
        .catch(() => null);
      this.set(oldest ? Math.max(0, Date.now() - Date.parse(oldest)) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'jobstream_work_jobs',
    help: 'Work jobs by status',
    labelNames: ['status'],
    registers,
    async collect(this: Gauge<'status'>) {
      const stats = await read()
        ?.queue()
        .catch(() => undefined);
      if (!stats) return;
      this.set({ status: 'queued' }, stats.pending);
      this.set({ status: 'running' }, stats.in_progress);
      this.set({ status: 'complete' }, stats.completed);
      this.set({ status: 'failed' }, stats.failed);
      this.set({ status: 'cancelled' }, stats.cancelled);
    },
  });
}
