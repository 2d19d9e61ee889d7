import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { upgradeRequest } from './raw-http.js';

/** RFC 6455 opcodes. */
export const Op = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameOptions {
  readonly opcode?: number;
  /** false: a fragment, more follows. @default true */
  readonly fin?: boolean;
  /** Clients must mask; false sends a frame the server has to refuse. @default true */
  readonly mask?: boolean;
  /** Reserved bits (0–7), which no extension here gives a meaning. @default 0 */
  readonly rsv?: number;
  /** A length to claim in the header instead of the payload's own. */
  readonly claimedLength?: number;
}

/** One client-to-server frame, as bytes: what `ws` would send, or a deliberately broken variant. */
export function clientFrame(payload: Buffer | string, options: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const length = options.claimedLength ?? data.length;
  const mask = options.mask ?? true;
  const header: number[] = [
    ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (options.opcode ?? Op.text),
  ];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(header), data]);
  const key = randomBytes(4);
  const masked = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) masked[i] = (data[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([Buffer.from(header), key, masked]);
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/**
 * A WebSocket client on a raw TCP socket: it writes whatever bytes a test builds (many frames in one
 * write, broken frames) and parses the server's frames. The close is what the server's close frame
 * said, or 1006 when the connection ended without one.
 */
export class RawWs {
  readonly socket: Socket;
  /** The text and binary frames received, in order. */
  readonly frames: ServerFrame[] = [];
  /** The payloads of the pongs received (answers to our pings). */
  readonly pongs: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #buffer = Buffer.alloc(0);
  #onFrame: (() => void)[] = [];

  private constructor(socket: Socket, rest: Buffer) {
    this.socket = socket;
    let closeFrame: { code: number; reason: string } | undefined;
    this.closed = new Promise((resolve) => {
      socket.on('close', () => resolve(closeFrame ?? { code: 1006, reason: '' }));
    });
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (let frame = this.#take(); frame; frame = this.#take()) {
        if (frame.opcode === Op.close) {
          const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
          closeFrame ??= { code, reason: frame.payload.subarray(2).toString('utf8') };
          socket.destroy();
          return;
        }
        if (frame.opcode === Op.text || frame.opcode === Op.binary) this.frames.push(frame);
        else if (frame.opcode === Op.pong) this.pongs.push(frame.payload);
      }
      for (const listener of this.#onFrame.splice(0)) listener();
    });
    socket.on('error', () => socket.destroy());
    if (rest.length > 0) socket.emit('data', rest);
  }

  /**
   * Opens `target` on 127.0.0.1:`port`; rejects with the answer's head when it is not a 101. `early`
   * is written in the same packet as the request: frames that arrive before the server has answered.
   */
  static open(port: number, target: string, headers: readonly string[] = [], early?: Buffer): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const request = Buffer.from(upgradeRequest(target, headers));
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(early ? Buffer.concat([request, early]) : request),
      );
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1');
        if (!status.startsWith('HTTP/1.1 101 ')) {
          socket.destroy();
          reject(new Error(`no upgrade: ${status.split('\r\n')[0] ?? ''}`));
          return;
        }
        resolve(new RawWs(socket, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before the upgrade')));
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The text frames received, as strings. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === Op.text).map((f) => f.payload.toString('utf8'));
  }

  /** Resolves once `predicate` holds of what was received, or the connection closed; false after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let open = true;
    void this.closed.then(() => (open = false));
    while (!predicate()) {
      if (!open || this.socket.destroyed) return predicate();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#onFrame.push(() => (clearTimeout(timer), resolve()));
        void this.closed.then(() => (clearTimeout(timer), resolve()));
      });
    }
    return true;
  }

  /** Ends the connection politely (a close frame, then the socket). */
  close(code = 1000): void {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.write(clientFrame(payload, { opcode: Op.close }));
    this.socket.end();
  }

  #take(): ServerFrame | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let length = (b[1] as number) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    this.#buffer = b.subarray(offset + length);
    return { opcode: (b[0] as number) & 0x0f, payload: b.subarray(offset, offset + length) };
  }
}
