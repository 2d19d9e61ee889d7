import type { Connection, ConnectionHome, Heartbeat } from './connection.js';
import { Traffic } from './traffic.js';

/**
 * Every open connection of this node: counts per endpoint, the connection limit, and one heartbeat
 * timer for all of them (a timer per socket would cost memory per idle connection). The beat is spread
 * over the interval in slices of about a second, each beating its share of the connections in turn, so
 * that 20,000 heartbeats are not written in one turn of the event loop (a stall every live event
 * published meanwhile would wait behind); each connection is still beaten once per interval.
 */
export class ConnectionRegistry implements ConnectionHome {
  /** Messages and bytes in and out, by endpoint: each connection is given its endpoint's counters. */
  readonly traffic = new Traffic();
  readonly #connections = new Set<Connection>();
  readonly #byEndpoint = new Map<string, number>();
  readonly #maxConnections: number;
  readonly #heartbeatMs: number;
  readonly #slices: number;
  #timer: NodeJS.Timeout | undefined;
  /** Where the pass through the connections is (a Set's iterator sees additions and skips removals). */
  #pass: Iterator<Connection> | undefined;
  /**
   * Slices since the timer started (from 1: the first pass starts an interval after the first
   * connection, as one timer of the whole interval did), and connections beaten in this pass.
   */
  #slice = 1;
  #beaten = 0;

  constructor(maxConnections: number, heartbeatMs: number) {
    this.#maxConnections = maxConnections;
    this.#heartbeatMs = heartbeatMs;
    this.#slices = Math.min(30, Math.max(1, Math.floor(heartbeatMs / 1000)));
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
    this.#timer ??= setInterval(() => this.#beat(), this.#heartbeatMs / this.#slices);
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
    this.#pass = undefined;
    this.#slice = 1;
  }

  /** A registered connection is gone (called by the connection itself). */
  remove(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.#byEndpoint.set(connection.endpoint, (this.#byEndpoint.get(connection.endpoint) ?? 1) - 1);
    if (this.#connections.size === 0) this.stop();
  }

  /**
   * One slice: a peer silent for two intervals is dropped; the others get their heartbeat. A pass
   * starts every `#slices` slices (so every interval), each slice taking its share of what is left.
   */
  #beat(): void {
    const slice = this.#slice++ % this.#slices;
    if (slice === 0) {
      this.#pass = this.#connections.values();
      this.#beaten = 0;
    }
    const pass = this.#pass;
    if (!pass) return;
    const silentSince = Date.now() - 2 * this.#heartbeatMs;
    // The last slice takes whatever is left (some counted may have gone meanwhile).
    const last = slice === this.#slices - 1;
    let left = last ? Infinity : Math.ceil((this.#connections.size - this.#beaten) / (this.#slices - slice));
    while (left-- > 0) {
      const next = pass.next();
      if (next.done) {
        this.#pass = undefined;
        return;
      }
      this.#beaten++;
      const connection = next.value;
      if (!connection.heartbeat) continue;
      if (connection.lastSeen < silentSince) connection.terminate();
      else connection.heartbeat.heartbeat();
    }
  }
}
