import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { FuzzRequest } from './request.js';

/** What came back for one request. */
export interface FuzzAnswer {
  /** `answered` (a whole response), `stream` (an SSE stream opened: closed by us), `timeout`, `closed` (no answer). */
  readonly kind: 'answered' | 'stream' | 'timeout' | 'closed';
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const noAnswer = (kind: 'timeout' | 'closed'): FuzzAnswer => ({ kind, status: 0, contentType: '', body: '' });

/** Sends fuzz requests to one server over a few kept-alive connections. */
export class FuzzClient {
  readonly #base: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 });
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs = 5_000) {
    this.#base = new URL(baseUrl);
    this.#timeoutMs = timeoutMs;
  }

  close(): void {
    this.#agent.destroy();
  }

  send(fuzz: FuzzRequest): Promise<FuzzAnswer> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (answer: FuzzAnswer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve(answer);
      };
      const req = request({
        agent: this.#agent,
        host: this.#base.hostname,
        port: this.#base.port,
        method: fuzz.method,
        path: fuzz.target,
        // Framed always: Node sends a GET's or HEAD's body without a length (or chunks) otherwise.
        headers:
          fuzz.body === undefined ? fuzz.headers : { ...fuzz.headers, 'content-length': fuzz.body.length },
      });
      const timer = setTimeout(() => finish(noAnswer('timeout')), this.#timeoutMs);
      req.on('error', () => finish(noAnswer('closed')));
      req.on('response', (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.startsWith('text/event-stream')) {
          finish({ kind: 'stream', status: res.statusCode ?? 0, contentType, body: '' });
          return;
        }
        // A HEAD answer ends with its head (bytes after it, as Node's parser error pages send, are
        // not ours to read).
        if (fuzz.method === 'HEAD') {
          finish({ kind: 'answered', status: res.statusCode ?? 0, contentType, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => finish(noAnswer('closed')));
        res.on('end', () =>
          finish({
            kind: 'answered',
            status: res.statusCode ?? 0,
            contentType,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.end(fuzz.body);
    });
  }

  /**
   * Writes `bytes` on a connection of its own and reads every response until the server closes it (or
   * `halfClose`: the client ends its side after writing, as a client that gives up does).
   */
  raw(bytes: Buffer, halfClose: boolean): Promise<{ answers: FuzzAnswer[]; timedOut: boolean }> {
    return new Promise((resolve) => {
      const socket = connect(Number(this.#base.port), this.#base.hostname);
      const chunks: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        socket.destroy();
      }, this.#timeoutMs);
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ answers: parseResponses(Buffer.concat(chunks)), timedOut });
      });
      socket.write(bytes);
      if (halfClose) socket.end();
    });
  }
}

/** The HTTP/1.1 responses in `data`, one after the other (Content-Length or chunked bodies). */
export function parseResponses(data: Buffer): FuzzAnswer[] {
  const answers: FuzzAnswer[] = [];
  let rest = data.toString('latin1');
  for (let i = 0; i < 10 && rest.length > 0; i++) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
    let body = '';
    let after = rest.slice(end + 4);
    if (/chunked/i.test(header('transfer-encoding'))) {
      for (let size = 1; size > 0;) {
        const line = after.indexOf('\r\n');
        size = parseInt(after.slice(0, line), 16) || 0;
        body += after.slice(line + 2, line + 2 + size);
        after = after.slice(line + 2 + size + 2);
      }
    } else {
      const length = Number(header('content-length') || 0);
      body = after.slice(0, length);
      after = after.slice(length);
    }
    answers.push({
      kind: 'answered',
      status,
      contentType: header('content-type'),
      body: Buffer.from(body, 'latin1').toString('utf8'),
    });
    rest = after;
  }
  return answers;
}
