// One connection per server flavour behind the same small interface, so the
// scenarios are identical for Jobstream, bare ws and Socket.IO. The event
// path is kept cheap because clients share two cores with the server.

import WebSocket from 'ws';
import { io } from 'socket.io-client';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { ClientKind } from './ipc-messages.js';

export interface ConnHooks {
  /** t = publisher timestamp in ms (NaN when not parsed); bi = broadcast index or -1 */
  onEvent(t: number, bi: number): void;
  /** the server or network closed the connection while we still wanted it */
  onUnexpectedClose(reason: string): void;
  onError(message: string): void;
}

export interface Conn {
  subscribe(topic: string, timeoutMs: number): Promise<void>;
  close(): void;
}

export interface OpenOptions {
  url: string;
  localAddress: string;
  parseLatency: boolean;
  timeoutMs: number;
}

/** Resolves at the first message from the server (welcome / socket.io connect). */
export type Opener = (opts: OpenOptions, hooks: ConnHooks) => Promise<Conn>;

const T_KEY = Buffer.from('"t":');
const BI_AFTER_T = Buffer.from(',"bi":');

/** Parse a plain JSON number starting at i without allocating. */
function numberAt(buf: Buffer, i: number): [value: number, end: number] {
  let v = 0;
  let scale = 0;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  for (; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (scale) scale *= 10;
    } else if (c === 46 && !scale) scale = 1;
    else break;
  }
  if (scale) v /= scale;
  return [neg ? -v : v, i];
}

function startsWithAt(buf: Buffer, i: number, needle: Buffer): boolean {
  return buf.length >= i + needle.length && buf.compare(needle, 0, needle.length, i, i + needle.length) === 0;
}

/**
 * Our events carry data {"t":<ms>} or {"t":<ms>,"bi":<n>}, so counting "t":
 * keys counts events even if a server packs several into one frame.
 */
function scanEvents(buf: Buffer, parse: boolean, hooks: ConnHooks): number {
  let n = 0;
  let at = buf.indexOf(T_KEY);
  while (at !== -1) {
    n++;
    let end = at + T_KEY.length;
    if (parse) {
      const [t, e] = numberAt(buf, end);
      end = e;
      const bi = startsWithAt(buf, e, BI_AFTER_T) ? numberAt(buf, e + BI_AFTER_T.length)[0] : -1;
      hooks.onEvent(t, bi);
    } else hooks.onEvent(NaN, -1);
    at = buf.indexOf(T_KEY, end);
  }
  return n;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Jobstream /ws and the bare baseline speak the same JSON messages. */
const openWs: Opener = (opts, hooks) =>
  new Promise<Conn>((resolve, reject) => {
    // ws answers the server's ping frames itself (autoPong), which is what keeps an idle client alive
    // on Jobstream; its JSON {"type":"ping"} needs no reply, so none is sent.
    const ws = new WebSocket(opts.url, {
      perMessageDeflate: false,
      localAddress: opts.localAddress,
      skipUTF8Validation: true,
      handshakeTimeout: opts.timeoutMs,
    });
    const acks = new Map<string, { ok: () => void; fail: (e: Error) => void }>();
    let opened = false;
    let closing = false;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no first message before timeout'));
    }, opts.timeoutMs);

    const conn: Conn = {
      subscribe(topic, timeoutMs) {
        return new Promise<void>((ok, fail) => {
          const t = setTimeout(() => {
            acks.delete(topic);
            fail(new Error(`no "subscribed" for ${topic}`));
          }, timeoutMs);
          acks.set(topic, {
            ok: () => {
              clearTimeout(t);
              ok();
            },
            fail: (e) => {
              clearTimeout(t);
              fail(e);
            },
          });
          ws.send(JSON.stringify({ type: 'subscribe', topic }));
        });
      },
      close() {
        closing = true;
        ws.close(1000);
      },
    };

    ws.on('message', (data) => {
      if (!Buffer.isBuffer(data)) return;
      if (!opened) {
        opened = true;
        clearTimeout(timer);
        resolve(conn);
      }
      if (scanEvents(data, opts.parseLatency, hooks) > 0) return;
      // Control messages are rare, so a full parse is fine here.
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch {
        hooks.onError('unparseable message');
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { type?: unknown; topic?: unknown; code?: unknown; message?: unknown };
      if (m.type === 'subscribed' && typeof m.topic === 'string') acks.get(m.topic)?.ok();
      else if (m.type === 'error') {
        const text = `server error ${String(m.code)}: ${String(m.message)}`;
        hooks.onError(text);
        const only = acks.size === 1 ? [...acks.values()][0] : undefined;
        only?.fail(new Error(text));
      }
    });
    ws.on('error', (err) => {
      if (!opened) {
        clearTimeout(timer);
        reject(err);
      } else hooks.onError(describe(err));
    });
    ws.on('close', (code, reason) => {
      for (const a of acks.values()) a.fail(new Error(`closed ${code}`));
      acks.clear();
      if (!opened) {
        clearTimeout(timer);
        reject(new Error(`closed ${code} before first message`));
      } else if (!closing)
        hooks.onUnexpectedClose(`ws ${code}${reason.length ? ` ${reason.toString()}` : ''}`);
    });
  });

function eventPayloadLatency(p: unknown): [t: number, bi: number] {
  if (typeof p !== 'object' || p === null) return [NaN, -1];
  const data = (p as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return [NaN, -1];
  const { t, bi } = data as { t?: unknown; bi?: unknown };
  return [typeof t === 'number' ? t : NaN, typeof bi === 'number' ? bi : -1];
}

const openSocketIo: Opener = (opts, hooks) =>
  new Promise<Conn>((resolve, reject) => {
    // localAddress is passed through to ws by engine.io-client but missing from its types.
    const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: opts.timeoutMs,
      localAddress: opts.localAddress,
    };
    const socket = io(opts.url, options);
    let opened = false;
    let closing = false;
    const conn: Conn = {
      async subscribe(topic, timeoutMs) {
        await socket.timeout(timeoutMs).emitWithAck('subscribe', topic);
      },
      close() {
        closing = true;
        socket.disconnect();
      },
    };
    socket.on('connect', () => {
      opened = true;
      resolve(conn);
    });
    socket.on('connect_error', (err) => {
      if (!opened) {
        socket.close();
        reject(err);
      } else hooks.onError(describe(err));
    });
    socket.on('event', (payload: unknown) => {
      const [t, bi] = opts.parseLatency ? eventPayloadLatency(payload) : [NaN, -1];
      hooks.onEvent(t, bi);
    });
    socket.on('disconnect', (reason) => {
      if (!closing) hooks.onUnexpectedClose(`socket.io ${reason}`);
    });
  });

const TITLE_STAMP = Buffer.from('"t=');

/**
 * The documented dialects (and native /ws beside them) on posting.created events, whose title holds
 * the publisher's stamp: each frame with "t=<ms>" is one event. On native /ws, subscribe sends the
 * native subscribe; a dialect's server picks the topics itself, so there it is a no-op.
 */
const openDialect: Opener = (opts, hooks) =>
  new Promise<Conn>((resolve, reject) => {
    const native = new URL(opts.url).pathname === '/ws';
    const ws = new WebSocket(opts.url, {
      perMessageDeflate: false,
      localAddress: opts.localAddress,
      skipUTF8Validation: true,
      handshakeTimeout: opts.timeoutMs,
    });
    const acks = new Map<string, () => void>();
    let opened = false;
    let closing = false;
    const conn: Conn = {
      subscribe(topic, timeoutMs) {
        if (!native) return Promise.resolve();
        return new Promise<void>((ok, fail) => {
          const t = setTimeout(() => fail(new Error(`no "subscribed" for ${topic}`)), timeoutMs);
          acks.set(topic, () => {
            clearTimeout(t);
            ok();
          });
          ws.send(JSON.stringify({ type: 'subscribe', topic }));
        });
      },
      close() {
        closing = true;
        ws.close(1000);
      },
    };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('not open before timeout'));
    }, opts.timeoutMs);
    // Dialects without a welcome count as connected once the upgrade is through.
    ws.on('open', () => {
      opened = true;
      clearTimeout(timer);
      resolve(conn);
    });
    ws.on('message', (data) => {
      if (!Buffer.isBuffer(data)) return;
      const at = data.indexOf(TITLE_STAMP);
      if (at !== -1) {
        hooks.onEvent(opts.parseLatency ? numberAt(data, at + TITLE_STAMP.length)[0] : NaN, -1);
        return;
      }
      if (native && acks.size && data.includes('"subscribed"')) {
        for (const ok of acks.values()) ok();
        acks.clear();
      }
    });
    ws.on('error', (err) => {
      if (!opened) {
        clearTimeout(timer);
        reject(err);
      } else hooks.onError(describe(err));
    });
    ws.on('close', (code) => {
      if (!opened) {
        clearTimeout(timer);
        reject(new Error(`closed ${code} before open`));
      } else if (!closing) hooks.onUnexpectedClose(`ws ${code}`);
    });
  });

export const openers: Record<ClientKind, Opener> = {
  ws: openWs,
  socketio: openSocketIo,
  dialect: openDialect,
};
