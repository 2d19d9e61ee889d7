import { connect } from 'node:net';

/** A WebSocket upgrade request for `target`, as a browser would send it, plus `extra` header lines. */
export function upgradeRequest(target: string, extra: readonly string[] = []): string {
  return [
    `GET ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...extra,
    '',
    '',
  ].join('\r\n');
}

export interface RawAnswer {
  /** The status line and headers, as received (empty when the server answered nothing). */
  readonly head: string;
  /** What followed the headers. */
  readonly body: string;
  /** Every byte received. */
  readonly raw: Buffer;
  /** The server ended the connection (rather than the client, after `untilHead` or the timeout). */
  readonly closedByServer: boolean;
}

export interface ExchangeOptions {
  /** Stop (and close) once the head has arrived: for answers that keep the connection (101). */
  readonly untilHead?: boolean;
  /** Reset the connection right after sending, without reading anything. */
  readonly reset?: boolean;
  /** Half-close after sending, as a client that has nothing more to say. */
  readonly endAfter?: boolean;
  /** Give up waiting after this long; the answer then says the server did not close. */
  readonly timeoutMs?: number;
}

/** Sends raw bytes on a fresh TCP connection to 127.0.0.1:`port` and collects the answer. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: ExchangeOptions = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const text = raw.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      resolve({
        head: end < 0 ? text : text.slice(0, end),
        body: end < 0 ? '' : text.slice(end + 4),
        raw,
        closedByServer,
      });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 10_000);
    socket.on('error', () => finish());
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.untilHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', () => finish());
    socket.on('connect', () => {
      socket.write(request);
      if (options.reset) {
        socket.resetAndDestroy();
        finish();
      } else if (options.endAfter) socket.end();
    });
  });
}
