// Clients that resume after a lost connection, one per transport: Jobstream's
// native /ws (subscribe with since + epoch, as docs/PROTOCOL.md and the SDK
// do), Server-Sent Events (Last-Event-ID), long-poll (since per topic) and
// Socket.IO v4 with connection state recovery. Each keeps, per topic, the
// last seq it holds and counts gaps (missed) and repeats (duplicated), so a
// scenario can cut every TCP socket at once and check that nothing was lost.

import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';

export type ResumeKind = 'ws' | 'socketio' | 'sse' | 'poll';

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** What the loadgen wants to hear from a client (latency, losses, reconnects). */
export interface ResumeHooks {
  /** an event's publish stamp (ms, wall clock) when it is delivered live (not while catching up) */
  onLatency(ms: number): void;
  /** the client is whole again after a cut: every event it missed has arrived */
  onRecovered(state: TopicState): void;
  /** a transport ended without us asking (reason for the table) */
  onDown(reason: string): void;
  /** the client lost its connection without a cut (a node going away): its recovery is timed from now */
  onLost(): void;
  onError(message: string): void;
}

/**
 * Per connection: the topics, the last seq held of each, and the counters. Seqs come from the
 * server's own numbering (1, 2, 3… per topic), so a gap is a lost event and a repeat a duplicate.
 */
export class TopicState {
  /** highest seq held per topic; -1 until the server has said where the topic stands */
  readonly last: number[];
  readonly epoch: (string | undefined)[];
  /** after a cut: the seq each topic stood at when the server took the resume; -1 until it said */
  target: number[] | undefined;
  cutAt = 0;
  /** when the first reconnect after the cut was started */
  reconnectAt = 0;
  /** when the last transport after the cut finished its handshake (WebSocket open, SSE 200, Socket.IO connect, first poll answer) */
  openedAt = 0;
  /** when the server had answered every topic's resume after the cut (subscribed, resumed, poll answers) */
  subscribedAt = 0;
  recoveredAt = 0;
  missed = 0;
  duplicated = 0;
  delivered = 0;
  /** resumes the server answered without the history (recovered: false) */
  notRecovered = 0;
  reconnects = 0;

  constructor(
    readonly topics: string[],
    private readonly hooks: ResumeHooks,
  ) {
    this.last = topics.map(() => -1);
    this.epoch = topics.map(() => undefined);
  }

  index(topic: string): number {
    return this.topics.indexOf(topic);
  }

  /** The server says topic i stands at seq (a subscribe's answer, a poll's answer). */
  standing(i: number, seq: number, recovered: boolean, epoch?: string): void {
    if (i < 0) return;
    if (epoch !== undefined) this.epoch[i] = epoch;
    const l = this.last[i] ?? -1;
    if (l < 0) this.last[i] = seq;
    else if (!recovered) {
      // Nothing will be replayed: whatever lies between is lost to this client.
      this.notRecovered++;
      if (seq > l) {
        this.missed += seq - l;
        this.last[i] = seq;
      }
    }
    if (this.target && (this.target[i] ?? 0) < 0) {
      this.target[i] = seq;
      if (this.target.every((t) => t >= 0)) this.subscribedAt = now();
      this.check();
    }
  }

  /** A transport finished its handshake: while a cut is being timed, that is the reconnect. */
  opened(): void {
    if (this.target) this.openedAt = now();
  }

  event(i: number, seq: number, t: number): void {
    if (i < 0) return;
    this.delivered++;
    const l = this.last[i] ?? -1;
    if (l >= 0 && seq <= l) {
      this.duplicated++;
      return;
    }
    if (l >= 0 && seq > l + 1) this.missed += seq - l - 1;
    this.last[i] = seq;
    if (this.target) this.check();
    else if (!Number.isNaN(t)) this.hooks.onLatency(now() - t);
  }

  /** A transport ended: unless a cut is already being timed, time the recovery from now. */
  lost(): void {
    if (this.target) return;
    this.cut(now());
    this.hooks.onLost();
  }

  cut(at: number): void {
    this.cutAt = at;
    this.reconnectAt = 0;
    this.openedAt = 0;
    this.subscribedAt = 0;
    this.recoveredAt = 0;
    this.target = this.topics.map(() => -1);
  }

  private check(): void {
    const target = this.target;
    if (!target) return;
    for (let i = 0; i < target.length; i++) {
      const want = target[i] ?? -1;
      if (want < 0 || (this.last[i] ?? -1) < want) return;
    }
    this.recoveredAt = now();
    this.target = undefined;
    this.hooks.onRecovered(this);
  }
}

export interface ResumeOpenOptions {
  /** ws:// URLs (native) or http:// base URLs (the others); reconnects go round them */
  urls: string[];
  /** which of the urls the first connection uses */
  first: number;
  localAddress: string;
  timeoutMs: number;
  /** a reconnect waits a uniform random delay in [0, jitterMs) first, as the SDK's full jitter does */
  jitterMs: number;
}

export interface ResumeConn {
  /** destroy the TCP socket(s) at once, as a network failure would; the client reconnects itself */
  cut(): void;
  close(): void;
}

/** The publisher's stamp {"t":…} in an event's data, or NaN. */
function stampOf(data: unknown): number {
  if (typeof data !== 'object' || data === null) return NaN;
  const t = (data as { t?: unknown }).t;
  return typeof t === 'number' ? t : NaN;
}

const EVENT_PREFIX = Buffer.from('{"type":"event"');
const TOPIC_KEY = Buffer.from('"topic":"');
const SEQ_KEY = Buffer.from('"seq":');
const T_KEY = Buffer.from('"t":');

function numberIn(buf: Buffer, i: number): number {
  let v = 0;
  let scale = 0;
  for (; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (scale) scale *= 10;
    } else if (c === 46 && !scale) scale = 1;
    else break;
  }
  return scale ? v / scale : v;
}

/**
 * topic, seq and the publisher's stamp of one event without parsing the JSON (the load generators share
 * the cores with the server): the first "topic", the first "seq" and the "t" key of the data.
 */
function scanEvent(buf: Buffer, st: TopicState): void {
  const ti = buf.indexOf(TOPIC_KEY);
  const si = buf.indexOf(SEQ_KEY);
  if (ti < 0 || si < 0) return;
  const start = ti + TOPIC_KEY.length;
  const end = buf.indexOf(34, start); // closing quote; topic names need no escapes
  const topic = buf.toString('latin1', start, end);
  const ki = buf.lastIndexOf(T_KEY);
  st.event(
    st.index(topic),
    numberIn(buf, si + SEQ_KEY.length),
    ki < 0 ? NaN : numberIn(buf, ki + T_KEY.length),
  );
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reconnect delays: full jitter first, then capped doubling while the server refuses. */
function retryDelay(attempt: number, jitterMs: number): number {
  const cap = attempt === 0 ? jitterMs : Math.min(2000, 100 * 2 ** attempt);
  return Math.random() * cap;
}

/** Runs `connect` until it succeeds (or the client is closed), with the delays above. */
class Reconnector {
  closed = false;
  attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jitterMs: number,
    private readonly connect: (attempt: number) => void,
  ) {}

  schedule(): void {
    if (this.closed || this.timer) return;
    const delay = retryDelay(this.attempt, this.jitterMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.connect(this.attempt++);
    }, delay);
  }

  succeeded(): void {
    this.attempt = 0;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

/** Resolves when every topic has been answered the first time, or rejects after timeoutMs. */
function firstReady(
  timeoutMs: number,
  what: string,
): {
  ready: Promise<void>;
  done: () => void;
  fail: (e: Error) => void;
} {
  let done!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${what}: not subscribed within ${timeoutMs} ms`)),
      timeoutMs,
    );
    done = () => {
      clearTimeout(timer);
      res();
    };
    fail = (e) => {
      clearTimeout(timer);
      rej(e);
    };
  });
  return { ready, done, fail };
}

/** Jobstream native /ws, resuming each topic with since + epoch. */
export async function openNative(
  o: ResumeOpenOptions,
  st: TopicState,
  hooks: ResumeHooks,
): Promise<ResumeConn> {
  let ws: WebSocket | undefined;
  let answered = 0;
  const first = firstReady(o.timeoutMs, 'ws');
  let ready = false;
  const rc = new Reconnector(o.jitterMs, (attempt) => {
    open(o.urls[(o.first + attempt + 1) % o.urls.length] ?? '');
  });

  const open = (url: string) => {
    if (st.target && !st.reconnectAt) st.reconnectAt = now();
    const sock = new WebSocket(url, {
      perMessageDeflate: false,
      localAddress: o.localAddress,
      skipUTF8Validation: true,
      handshakeTimeout: o.timeoutMs,
    });
    ws = sock;
    let welcomed = false;
    sock.on('open', () => st.opened());
    sock.on('message', (raw) => {
      if (!Buffer.isBuffer(raw)) return;
      if (raw.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) === 0) {
        scanEvent(raw, st);
        return;
      }
      const text = raw.toString('utf8');
      let m: {
        type?: string;
        topic?: string;
        seq?: number;
        epoch?: string;
        recovered?: boolean;
        data?: unknown;
        code?: string;
        message?: string;
      };
      try {
        m = JSON.parse(text) as typeof m;
      } catch {
        hooks.onError('unparseable message');
        return;
      }
      if (m.type === 'event') {
        st.event(st.index(m.topic ?? ''), m.seq ?? 0, stampOf(m.data));
      } else if (m.type === 'welcome' && !welcomed) {
        welcomed = true;
        rc.succeeded();
        st.topics.forEach((topic, i) => {
          const since = st.last[i] ?? -1;
          const epoch = st.epoch[i];
          sock.send(
            JSON.stringify(
              since >= 0
                ? { type: 'subscribe', topic, since, ...(epoch ? { epoch } : {}) }
                : { type: 'subscribe', topic },
            ),
          );
        });
      } else if (m.type === 'subscribed') {
        st.standing(st.index(m.topic ?? ''), m.seq ?? 0, m.recovered === true, m.epoch);
        if (!ready && ++answered === st.topics.length) {
          ready = true;
          first.done();
        }
      } else if (m.type === 'error') {
        const msg = `server error ${String(m.code)}: ${String(m.message)}`;
        hooks.onError(msg);
        if (!ready) first.fail(new Error(msg));
      }
    });
    sock.on('error', (err) => {
      if (ready) hooks.onError(describe(err));
    });
    sock.on('close', (code) => {
      if (ws !== sock || rc.closed) return;
      if (!ready) {
        first.fail(new Error(`closed ${code} before subscribed`));
        return;
      }
      hooks.onDown(`ws ${code}`);
      st.lost();
      st.reconnects++;
      rc.schedule();
    });
  };
  open(o.urls[o.first % o.urls.length] ?? '');
  try {
    await first.ready;
  } catch (err) {
    rc.close();
    ws?.terminate();
    throw err;
  }
  return {
    cut() {
      (ws as unknown as { _socket?: net.Socket } | undefined)?._socket?.destroy();
    },
    close() {
      rc.close();
      ws?.close(1000);
    },
  };
}

/** Server-Sent Events: one stream of all the client's topics, resumed with Last-Event-ID. */
export async function openSse(o: ResumeOpenOptions, st: TopicState, hooks: ResumeHooks): Promise<ResumeConn> {
  let req: http.ClientRequest | undefined;
  const first = firstReady(o.timeoutMs, 'sse');
  let ready = false;
  let answered = 0;
  const rc = new Reconnector(o.jitterMs, (attempt) => {
    open(o.urls[(o.first + attempt + 1) % o.urls.length] ?? '');
  });

  const onBlock = (block: string) => {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!data) return;
    if (event === 'subscribed') {
      const m = JSON.parse(data) as { topic: string; seq: number; epoch: string; recovered: boolean };
      st.standing(st.index(m.topic), m.seq, m.recovered, m.epoch);
      if (!ready && ++answered === st.topics.length) {
        ready = true;
        first.done();
      }
    } else if (event === 'close' || event === 'error') {
      hooks.onError(`sse ${event}: ${data.slice(0, 100)}`);
    } else {
      // The event body is {"topic","seq","event","ts","data"}; only topic, seq and t are needed.
      scanEvent(Buffer.from(data, 'latin1'), st);
    }
  };

  const open = (base: string) => {
    if (st.target && !st.reconnectAt) st.reconnectAt = now();
    const cursor = st.topics
      .map((t, i) => ((st.last[i] ?? -1) >= 0 ? `${t}@${st.last[i] ?? 0}` : ''))
      .filter(Boolean)
      .join(',');
    const r = http.get(`${base}/api/v1/events?topics=${st.topics.join(',')}`, {
      localAddress: o.localAddress,
      agent: false,
      headers: { accept: 'text/event-stream', ...(cursor ? { 'last-event-id': cursor } : {}) },
    });
    req = r;
    const ended = (why: string) => {
      if (req !== r || rc.closed) return;
      req = undefined;
      if (!ready) {
        first.fail(new Error(`sse ${why} before subscribed`));
        return;
      }
      hooks.onDown(`sse ${why}`);
      st.lost();
      st.reconnects++;
      rc.schedule();
    };
    r.on('response', (res) => {
      if (res.statusCode !== 200) {
        hooks.onError(`sse HTTP ${String(res.statusCode)}`);
        res.resume();
        res.on('end', () => ended(`HTTP ${String(res.statusCode)}`));
        return;
      }
      rc.succeeded();
      st.opened();
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at = buf.indexOf('\n\n');
        while (at !== -1) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          try {
            onBlock(block);
          } catch {
            hooks.onError('unparseable sse block');
          }
          at = buf.indexOf('\n\n');
        }
      });
      res.on('close', () => ended('closed'));
      res.on('error', () => undefined);
    });
    r.on('error', (err) => {
      if (ready) hooks.onError(describe(err));
      ended('error');
    });
  };
  open(o.urls[o.first % o.urls.length] ?? '');
  try {
    await first.ready;
  } catch (err) {
    rc.close();
    req?.destroy();
    throw err;
  }
  return {
    cut() {
      req?.socket?.destroy();
    },
    close() {
      rc.close();
      req?.destroy();
    },
  };
}

/** One keep-alive agent per load generator for every long-poll; a cut destroys all its sockets. */
export const pollAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export function cutPollSockets(): void {
  for (const list of [...Object.values(pollAgent.sockets), ...Object.values(pollAgent.freeSockets)]) {
    for (const s of list ?? []) s.destroy();
  }
}

interface PollAnswer {
  topic: string;
  epoch: string;
  seq: number;
  recovered: boolean;
  events: { topic: string; seq: number; data: unknown }[];
}

/** Long-poll: a loop per topic, each poll going on from the last answer's seq. */
export async function openPoll(
  o: ResumeOpenOptions,
  st: TopicState,
  hooks: ResumeHooks,
): Promise<ResumeConn> {
  let closed = false;
  const reqs = new Set<http.ClientRequest>();
  const first = firstReady(o.timeoutMs, 'poll');
  let answered = 0;
  let ready = false;

  const poll = (i: number, attempt: number) => {
    if (closed) return;
    const base = o.urls[(o.first + attempt) % o.urls.length] ?? '';
    const topic = st.topics[i] ?? '';
    const since = st.last[i] ?? -1;
    const epoch = st.epoch[i];
    // Until the topic is known, a short poll answers where it stands.
    const q =
      since >= 0
        ? `&since=${since}${epoch ? `&epoch=${encodeURIComponent(epoch)}` : ''}&timeout=25`
        : '&timeout=1';
    if (st.target && !st.reconnectAt) st.reconnectAt = now();
    const r = http.get(`${base}/api/v1/events/poll?topic=${topic}${q}`, {
      localAddress: o.localAddress,
      agent: pollAgent,
    });
    reqs.add(r);
    let failed = false;
    const retry = (why: string) => {
      if (failed) return;
      failed = true;
      reqs.delete(r);
      if (closed) return;
      if (!ready) {
        first.fail(new Error(`poll ${why} before the first answer`));
        return;
      }
      hooks.onDown(`poll ${why}`);
      st.lost();
      st.reconnects++;
      setTimeout(() => poll(i, attempt + 1), retryDelay(attempt, o.jitterMs));
    };
    r.setTimeout(o.timeoutMs + 30_000, () => r.destroy(new Error('poll timed out')));
    r.on('response', (res) => {
      // No handshake of its own: the first answer after the cut stands for the reconnect.
      if (!st.openedAt) st.opened();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('aborted', () => retry('aborted'));
      res.on('end', () => {
        if (failed) return;
        if (res.statusCode !== 200) {
          hooks.onError(`poll HTTP ${String(res.statusCode)}`);
          retry(`HTTP ${String(res.statusCode)}`);
          return;
        }
        reqs.delete(r);
        let a: PollAnswer;
        try {
          a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PollAnswer;
        } catch {
          retry('unparseable');
          return;
        }
        // The first poll of a topic (no since) may carry its next event: hold the seq before it.
        if ((st.last[i] ?? -1) < 0) {
          const firstSeq = a.events[0]?.seq;
          st.standing(i, firstSeq !== undefined ? firstSeq - 1 : a.seq, true, a.epoch);
        } else if (!a.recovered) st.standing(i, a.seq, false, a.epoch);
        for (const e of a.events) st.event(i, e.seq, stampOf(e.data));
        if (st.target) st.standing(i, a.seq, true, a.epoch);
        if (!ready && ++answered === st.topics.length) {
          ready = true;
          first.done();
        }
        poll(i, attempt);
      });
    });
    r.on('error', (err) => {
      if (ready && !st.target) hooks.onError(describe(err));
      retry('error');
    });
  };
  st.topics.forEach((_, i) => poll(i, 0));
  try {
    await first.ready;
  } catch (err) {
    closed = true;
    for (const r of reqs) r.destroy();
    throw err;
  }
  return {
    cut() {
      // The load generator cuts the shared agent's sockets at once (cutPollSockets).
    },
    close() {
      closed = true;
      for (const r of reqs) r.destroy();
    },
  };
}

/** Socket.IO v4 with connection state recovery: the server replays what the session missed. */
export async function openSocketIoRecovery(
  o: ResumeOpenOptions,
  st: TopicState,
  hooks: ResumeHooks,
): Promise<ResumeConn> {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: o.timeoutMs,
    localAddress: o.localAddress,
  };
  const socket: Socket = io(o.urls[o.first % o.urls.length] ?? '', options);
  const first = firstReady(o.timeoutMs, 'socket.io');
  let ready = false;
  const rc = new Reconnector(o.jitterMs, () => {
    if (st.target && !st.reconnectAt) st.reconnectAt = now();
    socket.connect();
  });
  const subscribeAll = () =>
    Promise.all(
      st.topics.map(async (topic, i) => {
        const r = (await socket.timeout(o.timeoutMs).emitWithAck('subscribe', topic)) as { seq?: number };
        st.standing(i, r.seq ?? 0, !ready, undefined);
      }),
    );
  socket.on('event', (p: { topic?: string; seq?: number; data?: unknown }) => {
    st.event(st.index(p.topic ?? ''), p.seq ?? 0, stampOf(p.data));
  });
  // Sent by the baseline after a recovered session's missed packets: where each room stands.
  socket.on('resumed', (seqs: Record<string, number>) => {
    for (const [topic, seq] of Object.entries(seqs)) st.standing(st.index(topic), seq, true, undefined);
  });
  socket.on('connect', () => {
    rc.succeeded();
    st.opened();
    if (!ready) {
      subscribeAll().then(
        () => {
          ready = true;
          first.done();
        },
        (err: unknown) => first.fail(new Error(describe(err))),
      );
    } else if (!socket.recovered) {
      // The session was not recovered: its rooms are gone and so is what it missed.
      subscribeAll().catch((err: unknown) => hooks.onError(describe(err)));
    }
  });
  socket.on('connect_error', (err) => {
    if (!ready) first.fail(err);
    else rc.schedule();
  });
  socket.on('disconnect', (reason) => {
    if (rc.closed || !ready) return;
    hooks.onDown(`socket.io ${reason}`);
    st.lost();
    st.reconnects++;
    rc.schedule();
  });
  try {
    await first.ready;
  } catch (err) {
    rc.close();
    socket.close();
    throw err;
  }
  return {
    cut() {
      const engine = (socket.io as unknown as { engine?: { transport?: { ws?: { _socket?: net.Socket } } } })
        .engine;
      engine?.transport?.ws?._socket?.destroy();
    },
    close() {
      rc.close();
      socket.disconnect();
    },
  };
}

export const resumeOpeners: Record<
  ResumeKind,
  (o: ResumeOpenOptions, st: TopicState, hooks: ResumeHooks) => Promise<ResumeConn>
> = { ws: openNative, socketio: openSocketIoRecovery, sse: openSse, poll: openPoll };
