import { randomUUID } from 'node:crypto';
import { CloseCode } from '@jobstream/protocol';
import type { Hub, SubscribeOptions, SubscribeResult } from '../hub/hub.js';
import type { EventSink, Pace, Subscription } from '../hub/subscription.js';
import type { Flushable, FlushScheduler } from './flush-scheduler.js';
import { SendPace, type PacedQueue } from './send-pace.js';
import { EndpointTraffic } from './traffic.js';
import type { Transport } from './transport.js';

export interface ConnectionOptions {
  /** The endpoint's name, for statistics (`native`, `sse`, …). */
  readonly endpoint: string;
  /** Most bytes queued for one connection before it is cut off as a slow consumer. */
  readonly sendBufferBytes: number;
  /** How the connection ends when the server shuts down. @default 1001 "server shutting down" */
  readonly goingAway?: GoingAway;
  /** Its endpoint's counters (the registry's), for metrics. @default counters of its own */
  readonly traffic?: EndpointTraffic;
}

/**
 * How an endpoint goes away at shutdown, as its original server did (its clients rely on it): a close
 * code and reason, or `drop` (the connection ends without a close frame, so a browser sees 1006).
 */
export type GoingAway = { readonly code: number; readonly reason: string } | 'drop';

const shuttingDown: GoingAway = { code: CloseCode.goingAway, reason: 'server shutting down' };

/** Most catch-up (replay) bytes queued at once; more follows as the socket drains. */
const CATCH_UP_CHUNK = 64 * 1024;

/** What the registry beats every heartbeat interval (a dialect's session). */
export interface Heartbeat {
  heartbeat(): void;
}

/** Where a connection is registered: told once when it is gone. */
export interface ConnectionHome {
  remove(connection: Connection): void;
}

/**
 * One client connection, whatever its transport: a bounded queue of outgoing frames, flushed in one
 * write per turn (a reply or a small fan-out's frame is written at once when nothing is queued, see
 * `FlushScheduler.writeNow`), and the topics it is subscribed to. A client that lets more than
 * `sendBufferBytes` of live frames pile up is closed with 4008, so a slow reader costs bounded memory. Catch-up (a
 * replay) is not counted: it is paced instead, queued a chunk at a time as the socket drains.
 */
export class Connection implements Flushable, Pace, PacedQueue {
  readonly id = randomUUID();
  readonly endpoint: string;
  flushState = 0;
  wroteInTurn = 0;
  /** Last time anything arrived from the peer (ms since epoch). */
  lastSeen = Date.now();
  /** Beaten every heartbeat interval while the peer is alive (set by the registry). */
  heartbeat: Heartbeat | undefined;
  /** The registry that holds it (set by the registry), told when it is gone. */
  home: ConnectionHome | undefined;
  /** Its endpoint's counters; the session counts what arrives, the connection what it writes. */
  readonly traffic: EndpointTraffic;
  readonly #transport: Transport;
  readonly #scheduler: FlushScheduler;
  readonly #hub: Hub;
  readonly #limit: number;
  readonly #goingAway: GoingAway;
  #revokedBy: AbortSignal | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Made when a replay first has to wait (an idle connection holds none). */
  #pace: SendPace | undefined;
  #replaying = false;
  /** Catch-up bytes in `#pending`. */
  #catchUpQueued = 0;
  /** At least as many bytes as the transport still holds of the catch-up written to it. */
  #catchUpWritten = 0;
  #open = true;
  /** Its subscriptions: one on its own (most connections watch one topic), a Map by topic past that. */
  #subscriptions: Subscription | Map<string, Subscription> | undefined;
  #onClose: (() => void)[] | undefined;
  #expiry: NodeJS.Timeout | undefined;

  constructor(transport: Transport, scheduler: FlushScheduler, hub: Hub, options: ConnectionOptions) {
    this.#transport = transport;
    this.#scheduler = scheduler;
    this.#hub = hub;
    this.endpoint = options.endpoint;
    this.#limit = options.sendBufferBytes;
    this.#goingAway = options.goingAway ?? shuttingDown;
    this.traffic = options.traffic ?? new EndpointTraffic();
  }

  get open(): boolean {
    return this.#open;
  }

  has(topic: string): boolean {
    return this.#subscription(topic) !== undefined;
  }

  get subscriptionCount(): number {
    const subs = this.#subscriptions;
    return subs instanceof Map ? subs.size : subs ? 1 : 0;
  }

  /** Queues a frame. `urgent` frames skip ahead of bulk flushing (replies, small fan-outs). */
  send(frame: Buffer, urgent = true): void {
    if (!this.#open) return;
    if (this.#replaying) {
      this.#catchUpQueued += frame.length;
    } else if (
      this.#pendingBytes +
        frame.length +
        this.#transport.buffered() -
        this.#catchUpQueued -
        this.#catchUpWritten >
      this.#limit
    ) {
      this.close(CloseCode.slowConsumer, 'slow consumer', false);
      return;
    }
    if (
      urgent &&
      !this.#replaying &&
      this.#pending.length === 0 &&
      this.#transport.buffered() === 0 &&
      this.#scheduler.writeNow(this)
    ) {
      // Nothing is queued or waiting in the socket, so writing now keeps the order of frames. Catch-up
      // is always queued (it is paced in chunks); a burst in this same turn is queued behind this write.
      this.#catchUpQueued = 0;
      this.#catchUpWritten = 0;
      this.traffic.wrote(1, frame.length);
      this.#transport.write(frame);
      this.#pace?.written();
      return;
    }
    this.#pending.push(frame);
    this.#pendingBytes += frame.length;
    this.#scheduler.schedule(this, urgent);
  }

  flush(): void {
    const pending = this.#pending;
    if (pending.length === 0 || !this.#open) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#catchUpQueued + this.#catchUpWritten > 0) {
      // The transport holds no more of the earlier catch-up than it holds at all.
      this.#catchUpWritten = Math.min(this.#catchUpWritten, this.#transport.buffered()) + this.#catchUpQueued;
      this.#catchUpQueued = 0;
    }
    const chunk = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    this.traffic.wrote(pending.length, chunk.length);
    this.#transport.write(chunk);
    this.#pace?.written();
  }

  /** Catch-up may be queued at once: the queue is shorter than a chunk and the socket not congested. */
  ready(): boolean {
    return this.#pendingBytes < Math.min(CATCH_UP_CHUNK, this.#limit) && !this.#transport.congested();
  }

  /** Calls `resume` once more catch-up may be queued: the queue is written out, the socket drained. */
  wait(resume: () => void): void {
    this.#pace ??= new SendPace(this.#transport, this);
    this.#pace.wait(resume);
  }

  /** Told around each run of catch-up, so that it is counted apart from live frames. */
  replaying(on: boolean): void {
    this.#replaying = on;
  }

  /** Bytes queued and not yet written to the transport. */
  queued(): number {
    return this.#pendingBytes;
  }

  /** Writes the queue out in the scheduler's next run. */
  flushSoon(): void {
    this.#scheduler.schedule(this, true);
  }

  /**
   * Resolves once more catch-up may be queued (see {@link replay}); at once while the connection is
   * ready for it, or closed.
   */
  whenReady(): Promise<void> {
    if (!this.#open || this.ready()) return Promise.resolve();
    return new Promise((resolve) => this.wait(resolve));
  }

  /** Queues catch-up frames (a replay read by a dialect): paced by `whenReady`, not counted as live. */
  replay(frame: Buffer): void {
    const was = this.#replaying;
    this.#replaying = true;
    this.send(frame);
    this.#replaying = was;
  }

  /**
   * Subscribes to a topic through the hub; a second subscribe to the same topic replaces the first.
   * The caller announces the result, then calls `start()` to let replay and live events flow.
   */
  async subscribe(topic: string, sink: EventSink, options: SubscribeOptions): Promise<SubscribeResult> {
    this.unsubscribe(topic);
    const result = await this.#hub.subscribe(topic, sink, {
      ...options,
      // Its history is gone: the client reconnects, resumes, and is told to reload (recovered: false).
      onReset: () => this.close(CloseCode.goingAway, "a topic's history was lost; resubscribe"),
      pace: this,
      // Too far behind to catch up in order (live events piled up during its replay): it resumes.
      onBehind: () => this.close(CloseCode.slowConsumer, 'slow consumer', false),
    });
    if (!this.#open) {
      this.#hub.unsubscribe(result.subscription);
      return result;
    }
    this.unsubscribe(topic); // a concurrent subscribe to the same topic: the later one wins
    const subs = this.#subscriptions;
    if (subs === undefined) this.#subscriptions = result.subscription;
    else if (subs instanceof Map) subs.set(topic, result.subscription);
    else
      this.#subscriptions = new Map([
        [subs.topic, subs],
        [topic, result.subscription],
      ]);
    return result;
  }

  unsubscribe(topic: string): boolean {
    const sub = this.#subscription(topic);
    if (!sub) return false;
    const subs = this.#subscriptions;
    if (subs instanceof Map) subs.delete(topic);
    else this.#subscriptions = undefined;
    this.#hub.unsubscribe(sub);
    return true;
  }

  /**
   * Closes the connection with 4004 when its credential lapses at `at` (ms since epoch); a later call
   * (after a refresh) moves the deadline, null removes it.
   */
  expireAt(at: number | null): void {
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
    if (at === null || !this.#open) return;
    // setTimeout holds at most ~24.8 days; a longer credential is re-armed when that fires.
    const delay = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
    this.#expiry = setTimeout(() => {
      if (Date.now() >= at) this.close(CloseCode.tokenExpired, 'token expired');
      else this.expireAt(at);
    }, delay);
    this.#expiry.unref();
  }

  /**
   * Ends the connection as at shutdown (its client reconnects) when `signal` aborts: the access it was
   * opened with is withdrawn (the local owner's, once an account exists).
   */
  endWhen(signal: AbortSignal | undefined): void {
    // Kept, not listened to: one listener per connection would cost each idle connection memory;
    // whoever aborts the signal asks every connection (`endIfRevoked`).
    this.#revokedBy = signal;
    this.endIfRevoked();
  }

  /** Ends the connection (as `endWhen` says) if the signal it was opened with has aborted. */
  endIfRevoked(): void {
    if (this.#revokedBy?.aborted === true) this.goAway();
  }

  /** Runs `listener` once the connection is gone (at once if it already is). */
  onClose(listener: () => void): void {
    if (!this.#open) {
      listener();
      return;
    }
    (this.#onClose ??= []).push(listener);
  }

  /** Closes the connection; with `flushFirst`, frames already queued are written before the close. */
  close(code: number, reason: string, flushFirst = true): void {
    if (!this.#open) return;
    if (code === CloseCode.slowConsumer) this.traffic.slowConsumerCuts++;
    if (flushFirst) this.flush();
    this.#transport.close(code, reason);
    this.dispose();
  }

  /** The server is shutting down: queued frames go out, then the connection ends the endpoint's way. */
  goAway(): void {
    if (!this.#open) return;
    const how = this.#goingAway;
    if (how !== 'drop') return this.close(how.code, how.reason);
    this.flush();
    this.#transport.drop();
    this.dispose();
  }

  terminate(): void {
    if (!this.#open) return;
    this.#transport.terminate();
    this.dispose();
  }

  #subscription(topic: string): Subscription | undefined {
    const subs = this.#subscriptions;
    if (subs instanceof Map) return subs.get(topic);
    return subs?.topic === topic ? subs : undefined;
  }

  /** Releases everything the connection holds; called once the transport is gone. */
  dispose(): void {
    if (!this.#open) return;
    this.#open = false;
    clearTimeout(this.#expiry);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pace?.dispose();
    const subs = this.#subscriptions;
    this.#subscriptions = undefined;
    if (subs instanceof Map) for (const sub of subs.values()) this.#hub.unsubscribe(sub);
    else if (subs) this.#hub.unsubscribe(subs);
    this.home?.remove(this);
    for (const listener of this.#onClose ?? []) listener();
  }
}
