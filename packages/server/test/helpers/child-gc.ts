import { readdir, readFile, readlink } from 'node:fs/promises';
import WebSocket from 'ws';

/**
 * A full garbage collection in a child process started with `--inspect=127.0.0.1:0`, through its
 * inspector (Chrome DevTools protocol, `HeapProfiler.collectGarbage`). Resident memory measured
 * right after says what the process holds, not how much garbage it let pile up since its last
 * collection (which swings by a fifth under load). Linux: the inspector's port is found in /proc.
 */
export async function collectGarbage(pid: number, exceptPort: number): Promise<NodeJS.MemoryUsage> {
  const port = await inspectorPort(pid, exceptPort);
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const address = targets[0]?.webSocketDebuggerUrl;
  if (address === undefined) throw new Error('the inspector lists no target');
  const ws = new WebSocket(address);
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await call(ws, 1, 'HeapProfiler.collectGarbage', {});
    const usage = (await call(ws, 2, 'Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
    })) as { result: { value: string } };
    return JSON.parse(usage.result.value) as NodeJS.MemoryUsage;
  } finally {
    ws.terminate();
  }
}

/** One inspector command and its result. */
function call(ws: WebSocket, id: number, method: string, params: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${method} within 30 s`)), 30_000);
    const onMessage = (data: Buffer): void => {
      const answer = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (answer.id !== id) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(answer.result);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

/** The loopback port the process listens on besides `exceptPort`: its sockets' inodes in /proc/net/tcp. */
async function inspectorPort(pid: number, exceptPort: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (local === undefined || state !== '0A' || inode === undefined || !inodes.has(inode)) continue;
      const port = parseInt(local.split(':').pop() ?? '', 16);
      if (port !== exceptPort) return port;
    }
  }
  throw new Error(`process ${pid} listens on no inspector port (start it with --inspect=127.0.0.1:0)`);
}
