import type { ServerResponse } from 'node:http';
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

  close(code: number, reason: string): void {
    // HTTP has no close code: say it as a last event, so that a client can tell why.
    if (this.#res.writableEnded) return;
    this.#res.end(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
  }

  terminate(): void {
    this.#res.destroy();
  }

  drop(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }
}
