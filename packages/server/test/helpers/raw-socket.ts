import type { TestContext } from 'node:test';
import WebSocket from 'ws';

/** A frame as received: parsed JSON, or the text itself (job-queue's `pong`). */
export type Frame = Record<string, unknown> | string;

/**
 * A WebSocket client for any dialect: records every frame as received (text and parsed), and lets a
 * test wait for one or for the close. Terminated when the test ends.
 */
export class RawSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  /** Every frame's text, as it came. */
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  constructor(t: TestContext, url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    t.after(() => this.ws.terminate());
    this.ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      let frame: Frame = text;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null) frame = parsed as Record<string, unknown>;
      } catch {
        // a plain text frame
      }
      this.texts.push(text);
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    this.ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  send(message: unknown): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.ws.once('open', () => this.send(message));
      return;
    }
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first frame (received already, or to come) that matches; rejects after `timeoutMs`. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame arrived')), timeoutMs);
      timer.unref(); // a socket that closed first must not hold the test run open
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** The close, or a rejection after `timeoutMs`. */
  closedWithin(timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.closed, late]).finally(() => clearTimeout(timer));
  }

  /** What came first: a frame that matches (`'frame'`) or the close (its code). */
  async frameOrClose(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<'frame' | number> {
    return Promise.race([
      this.waitFor(match, timeoutMs).then(() => 'frame' as const),
      this.closed.then((c) => c.code),
    ]);
  }
}

/** Whether a frame is a JSON object with this `type`. */
export const typed =
  (type: string) =>
  (frame: Frame): boolean =>
    typeof frame === 'object' && frame.type === type;
