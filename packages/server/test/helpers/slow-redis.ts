import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface SlowRedis {
  /** Connect here instead of to Redis. */
  readonly url: string;
  /** How long what Redis sends is held back on the slowed connections, in ms; may be changed any time. */
  delayMs: number;
}

/**
 * A TCP proxy in front of the Redis at `target`: what Redis sends back is held back by `delayMs` (in
 * order) on every connection whose client named itself with a name that `slow` accepts (`CLIENT
 * SETNAME`, which ioredis sends first when given `connectionName`), and passed on at once on the others.
 * Slowing a broker's `-subscriber` connection makes its pub/sub late while its commands are not.
 * Closed when the test ends.
 */
export async function slowRedis(
  t: TestContext,
  target: string,
  slow: (name: string) => boolean,
  delayMs: number,
): Promise<SlowRedis> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port || 6379), hostname || '127.0.0.1');
    sockets.add(client).add(upstream);
    let sent = '';
    let slowed: boolean | undefined;
    client.on('data', (chunk: Buffer) => {
      if (slowed === undefined && sent.length < 4096) {
        sent += chunk.toString('latin1');
        const name = /SETNAME\r\n\$\d+\r\n([^\r]*)\r\n/i.exec(sent)?.[1];
        if (name !== undefined) slowed = slow(name);
      }
      upstream.write(chunk);
    });
    // What is held back, in order, each with the time it is due (a change of delayMs never reorders).
    const queue: { due: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      while (queue.length > 0 && queue[0]!.due <= Date.now()) client.write(queue.shift()!.chunk);
      if (queue.length > 0) timer = setTimeout(pump, queue[0]!.due - Date.now());
    };
    upstream.on('data', (chunk: Buffer) => {
      if (!slowed || (state.delayMs <= 0 && queue.length === 0)) {
        client.write(chunk);
        return;
      }
      queue.push({ due: Date.now() + Math.max(0, state.delayMs), chunk });
      timer ??= setTimeout(pump, Math.max(0, queue[0]!.due - Date.now()));
    });
    const close = (): void => {
      clearTimeout(timer);
      queue.length = 0;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const state: SlowRedis = {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delayMs,
  };
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close').catch(() => undefined);
  });
  return state;
}
