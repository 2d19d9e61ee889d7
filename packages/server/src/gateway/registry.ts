import type { Connection, ConnectionHome, Heartbeat } from './connection.js';
import { Traffic } from './traffic.js';

/**
 * Every open connection of this node: counts per endpoint, the connection limit, and one heartbeat
 * timer for all of them (a timer per socket would cost memory per idle connection).
 */
export class ConnectionRegistry implements ConnectionHome {
  /** Messages and bytes in and out, by endpoint: each connection is given its endpoint's counters. */
  readonly traffic = new Traffic();
  readonly #connections = new Set<Connection>();
  readonly #byEndpoint = new Map<string, number>();
  readonly #maxConnections: number;
  readonly #heartbeatMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(maxConnections: number, heartbeatMs: number) {
    this.#maxConnections = maxConnections;
    this.#heartbeatMs = heartbeatMs;
  }

  get size(): number {
    return this.#connections.size;
  }

  get full(): boolean {
    return this.#connections.size >= this.#maxConnections;
  }

  /**
   * Adds a connection; `heartbeat` is beaten every interval while the peer has been heard from lately.
   * The connection tells the registry when it is gone (no listener of its own per connection).
   */
  add(connection: Connection, heartbeat?: Heartbeat): void {
    if (!connection.open) return;
    this.#connections.add(connection);
    connection.heartbeat = heartbeat;
    connection.home = this;
    this.#byEndpoint.set(connection.endpoint, (this.#byEndpoint.get(connection.endpoint) ?? 0) + 1);
    this.#timer ??= setInterval(() => this.#beat(), this.#heartbeatMs);
    this.#timer.unref();
  }

  byEndpoint(): Record<string, number> {
    return Object.fromEntries(this.#byEndpoint);
  }

  all(): Iterable<Connection> {
    return this.#connections;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A registered connection is gone (called by the connection itself). */
  remove(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.#byEndpoint.set(connection.endpoint, (this.#byEndpoint.get(connection.endpoint) ?? 1) - 1);
    if (this.#connections.size === 0) this.stop();
  }

  /** A peer silent for two intervals is dropped; the others get their heartbeat. */
  #beat(): void {
    const silentSince = Date.now() - 2 * this.#heartbeatMs;
    for (const connection of this.#connections) {
      if (!connection.heartbeat) continue;
      if (connection.lastSeen < silentSince) connection.terminate();
      else connection.heartbeat.heartbeat();
    }
  }
}
