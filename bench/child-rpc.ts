// Typed request/response over the fork() IPC channel. The parent drives
// each child with calls (every call has a timeout, so no await can hang the
// run) and children may push unsolicited events such as progress counts.

import type { ChildProcess } from 'node:child_process';

/** A map of call name → argument and result types, shared by both sides. */
export type CallMap<M> = { [K in keyof M]: { args: unknown; result: unknown } };

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}
type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export interface PushEvent {
  event: string;
  data: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export class RpcClient<M extends CallMap<M>> {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private listeners: ((e: PushEvent) => void)[] = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (msg: unknown) => {
      this.onMessage(msg);
    });
    child.on('exit', (code, signal) => {
      this.failAll(new Error(`${name} exited (code ${String(code)}, signal ${String(signal)})`));
    });
  }

  call<K extends keyof M & string>(cmd: K, args: M[K]['args'], timeoutMs: number): Promise<M[K]['result']> {
    const id = this.nextId++;
    return new Promise<M[K]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      // The result crosses IPC as plain JSON; both sides compile against the same call map.
      this.pending.set(id, { resolve, reject, timer });
      const req: Request = { id, cmd, args };
      if (!this.child.connected) {
        this.settle(id);
        reject(new Error(`${this.name}: not connected`));
        return;
      }
      this.child.send(req);
    });
  }

  onEvent(fn: (e: PushEvent) => void): void {
    this.listeners.push(fn);
  }

  private settle(id: number) {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  private onMessage(msg: unknown): void {
    if (!isObject(msg)) return;
    if (typeof msg.event === 'string') {
      const e: PushEvent = { event: msg.event, data: msg.data };
      for (const fn of this.listeners) fn(e);
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.settle(msg.id);
    if (!p) return;
    if (msg.ok === true) p.resolve(msg.result);
    else p.reject(new Error(`${this.name}: ${String(msg.error)}`));
  }

  private failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
  }
}

export type Handlers<M extends CallMap<M>> = {
  [K in keyof M]: (args: M[K]['args']) => Promise<M[K]['result']> | M[K]['result'];
};

/** Child side: answer calls from the parent; exit when the parent goes away. */
export function serveRpc<M extends CallMap<M>>(handlers: Handlers<M>): void {
  if (!process.send) throw new Error('must be started with child_process.fork');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: unknown) => {
    if (!isObject(msg) || typeof msg.id !== 'number' || typeof msg.cmd !== 'string') return;
    const { id, cmd } = msg;
    const handler = Object.prototype.hasOwnProperty.call(handlers, cmd)
      ? handlers[cmd as keyof M]
      : undefined;
    const reply = (r: Response) => {
      if (process.connected) process.send?.(r);
    };
    if (!handler) {
      reply({ id, ok: false, error: `unknown command ${cmd}` });
      return;
    }
    void Promise.resolve()
      .then(() => handler(msg.args as M[keyof M]['args']))
      .then(
        (result) => {
          reply({ id, ok: true, result });
        },
        (err: unknown) => {
          reply({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
        },
      );
  });
}

export function pushEvent(event: string, data: unknown): void {
  if (process.connected) process.send?.({ event, data });
}
