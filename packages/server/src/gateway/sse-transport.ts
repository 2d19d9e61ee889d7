import type { ServerResponse } from 'node:http';
import { CloseCode, ErrorCode } from '@jobstream/protocol';
import type { Transport } from './transport.js';

/** An open `text/event-stream` response as a Transport. */
export class SseTransport implements Transport {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  write(chunk: Buffer): void {
    if (!this.#res.writableEnded) this.#res.write(chunk);
  }

  buffered(): number {
    return this.#res.writableLength;
  }

  congested(): boolean {
    return this.#res.writableNeedDrain;
  }

  onDrain(listener: () => void): void {
    this.#res.once('drain', listener);
  }

  close(code: number, reason: string): void {
    // HTTP has no close code: say it as a last event, so that a client can tell why.
    if (this.#res.writableEnded) return;
    const close = `event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`;
    // A lapsed token is an error in the native protocol's words first (`token_expired`: refresh it).
    const error =
      code === CloseCode.tokenExpired
        ? `event: error\ndata: ${JSON.stringify({ code: ErrorCode.tokenExpired, message: reason })}\n\n`
        : '';
    this.#res.end(error + close);
  }

  terminate(): void {
    this.#res.destroy();
  }

  drop(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }
}
