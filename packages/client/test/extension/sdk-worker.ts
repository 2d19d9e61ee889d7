// An extension's service worker that uses the SDK, as its README shows; bundled by extension.test.ts.
import { createClient, type ClientOptions } from '../../src/index.js';

/** Set by the bundler: the client's options (JSON). */
declare const JOBSTREAM_OPTIONS: Pick<ClientOptions, 'url' | 'initialDelayMs' | 'maxDelayMs' | 'keepAliveMs'>;
declare const chrome: { storage: { local: { get<T>(defaults: T): Promise<T> } } };

export interface StateEntry {
  state: string;
  kind: string;
  code: number | undefined;
  attempt: number | undefined;
  delayMs: number | undefined;
  at: number;
}

/** What the test reads through the worker (`worker.evaluate`). */
export interface WorkerReport {
  states: StateEntry[];
  received: string[];
  /** The server's answers to the client's keep-alive pings. */
  pongs: number;
}

const report: WorkerReport = { states: [], received: [], pongs: 0 };
(globalThis as unknown as { report: WorkerReport }).report = report;

// An extension keeps its settings in chrome.storage: it connects once it has read them, after the
// worker's script has run (service workers allow no top-level await).
void chrome.storage.local.get(JOBSTREAM_OPTIONS).then((options) => {
  const client = createClient({ ...options, autoConnect: false });
  client.on('state', ({ newState, reason }) => {
    const { kind, code, attempt, delayMs } = reason;
    report.states.push({ state: newState, kind, code, attempt, delayMs, at: Date.now() });
  });
  client.on('message', (message) => {
    if (message.type === 'pong') report.pongs++;
  });
  client.subscribe('postings', (event) => {
    if (event.type === 'posting.created') report.received.push(String(event.data.posting.job_title));
  });
  client.connect();
});
