import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Transport } from './transport.js';

/**
 * A `ws` socket as a Transport. Frames are written pre-framed straight to the TCP socket, so that one
 * buffer serves every subscriber and several frames go out in one write. This is safe because
 * permessage-deflate is off: `ws` itself then writes synchronously and never holds frames of its own.
 */
export class WsTransport implements Transport {
  readonly #ws: WebSocket;
  readonly #socket: Socket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    // `ws` keeps the raw socket in `_socket`; it is the only internal we rely on.
    this.#socket = (ws as unknown as { _socket: Socket })._socket;
  }

  write(chunk: Buffer): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#socket.write(chunk);
  }

  buffered(): number {
    return this.#socket.writableLength;
  }

  congested(): boolean {
    return this.#socket.writableNeedDrain;
  }

  onDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  drop(): void {
    // A FIN after the queued bytes, with no close frame; `ws` then reports the close (1006) itself.
    this.#socket.end();
  }
}
