import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A minimal Server-Sent Events reader over node:http, recording every event it parses. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  #req: http.ClientRequest;
  #buffer = '';
  #waiters: { match: (e: SseEvent) => boolean; resolve: () => void }[] = [];
  readonly ended: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    let end: () => void = () => {};
    this.ended = new Promise((resolve) => (end = resolve));
    this.#req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.#feed(chunk));
      res.on('end', end);
      res.on('close', end);
    });
    this.#req.on('error', end);
  }

  /** Resolves when an event matching arrives (or already has). */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<void> {
    if (this.events.some(match)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('SSE event did not arrive')), timeoutMs);
      this.#waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  close(): void {
    this.#req.destroy();
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: SseEvent = { data: '' };
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line);
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) {
          event.data = line.slice(6);
          isEvent = true;
        }
      }
      if (!isEvent) continue;
      this.events.push(event);
      this.#waiters = this.#waiters.filter((w) => (w.match(event) ? (w.resolve(), false) : true));
    }
  }
}
