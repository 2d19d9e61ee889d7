import type { TestContext } from 'node:test';
import WebSocket from 'ws';

export interface Message {
  type: string;
  [key: string]: unknown;
}

/**
 * A real WebSocket client that records what it receives and lets a test wait for a message.
 * Closed when the test ends.
 */
export class TestClient {
  readonly ws: WebSocket;
  readonly received: Message[] = [];
  #waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as Message;
      this.received.push(message);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    this.ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static async connect(t: TestContext, url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, options);
    t.after(() => client.ws.terminate());
    await client.next('welcome');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (already received, or still to come) of this type that matches. */
  next(type: string, match: (m: Message) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    const matchAll = (m: Message) => m.type === type && match(m);
    const seen = this.received.find(matchAll);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        match: matchAll,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Waits for a message arriving from now on (ignores what was already received). */
  upcoming(type: string, match: (m: Message) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no new ${type} message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        match: (m) => m.type === type && match(m),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  events(topic?: string): Message[] {
    return this.received.filter((m) => m.type === 'event' && (topic === undefined || m.topic === topic));
  }

  async subscribe(topic: string, extra: Record<string, unknown> = {}): Promise<Message> {
    const subscribed = this.upcoming('subscribed', (m) => m.topic === topic);
    this.send({ type: 'subscribe', topic, ...extra });
    return subscribed;
  }
}

/** POSTs an event to /api/v1/publish. */
export async function publish(
  baseUrl: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/api/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
