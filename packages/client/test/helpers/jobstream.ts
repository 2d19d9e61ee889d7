import net from 'node:net';
import type { TestContext } from 'node:test';
import { startServer as startJobstream, type TestServer } from '../../../server/test/helpers/server.js';
import { createClient } from '../../src/index.js';
import type { ClientOptions, JobstreamClient, StateChange } from '../../src/index.js';

export type { TestServer };

const clients = new WeakMap<TestContext, Set<JobstreamClient>>();

/**
 * A real Jobstream on a loopback port. The test's clients are closed before it, so that none of them
 * reconnects into a server that is shutting down.
 */
export async function startServer(t: TestContext, env: Record<string, string> = {}): Promise<TestServer> {
  const started: { server?: TestServer } = {};
  t.after(() => {
    for (const c of clients.get(t) ?? []) c.close();
    // Node's fetch may leave a socket connected that never carried a request; the server's graceful
    // close would wait for it until the headers timeout (a minute). Cut such leftovers shortly.
    setTimeout(() => started.server?.server.app.server.closeAllConnections(), 300).unref();
  });
  started.server = await startJobstream(t, env);
  return started.server;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** POSTs one event to /api/v1/publish (loopback needs no API key); resolves with its seq. */
export async function publish(url: string, topic: string, type: string, data: unknown = {}): Promise<number> {
  const res = await fetch(`${url}/api/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, type, data }),
  });
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { seq: number }).seq;
}

/** A client closed when the test ends, with a record of its state changes. */
export function client(t: TestContext, options: ClientOptions): JobstreamClient & { changes: StateChange[] } {
  const c = createClient({ ...options, autoConnect: false });
  const changes: StateChange[] = [];
  c.on('state', (change) => changes.push(change));
  t.after(() => c.close());
  if (!clients.has(t)) clients.set(t, new Set());
  clients.get(t)?.add(c);
  if (options.autoConnect !== false) c.connect();
  return Object.assign(c, { changes });
}

/** Resolves when the client reaches `state` (at once if it is there). */
export function reach(c: JobstreamClient, state: JobstreamClient['state'], timeoutMs = 5000): Promise<void> {
  if (c.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`client did not reach ${state} within ${timeoutMs} ms (it is ${c.state})`));
    }, timeoutMs);
    const off = c.on('state', (change) => {
      if (change.newState !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Closes every native (/ws) connection of a server at once, abruptly or with a close code. */
export function dropConnections(server: TestServer, code?: number, endpoint = 'native'): number {
  let n = 0;
  for (const connection of [...server.server.registry.all()]) {
    if (connection.endpoint !== endpoint) continue;
    n++;
    if (code === undefined) connection.terminate();
    else connection.close(code, 'test');
  }
  return n;
}

/**
 * A TCP proxy in front of a server: `freeze()` stops passing bytes on open connections (a peer that
 * stopped answering, a sleeping network), `refuse()` turns new connections away, `pass()` restores.
 */
export async function proxy(t: TestContext, target: string) {
  const { port, hostname } = new URL(target);
  let mode: 'pass' | 'freeze' | 'refuse' = 'pass';
  const sockets = new Set<net.Socket>();
  const accepted: number[] = [];
  const server = net.createServer((inbound) => {
    accepted.push(Date.now());
    if (mode === 'refuse') return inbound.destroy();
    const outbound = net.connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    const pipe = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (mode !== 'freeze') to.write(chunk);
      });
    pipe(inbound, outbound);
    pipe(outbound, inbound);
    // A frozen link passes nothing, not even a close: the peer sees a silent connection.
    inbound.on('close', () => mode !== 'freeze' && outbound.destroy());
    outbound.on('close', () => mode !== 'freeze' && inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Connections the proxy was asked for, with when. */
    accepted,
    freeze: () => void (mode = 'freeze'),
    refuse: () => {
      mode = 'refuse';
      for (const s of sockets) s.destroy();
    },
    pass: () => void (mode = 'pass'),
  };
}
