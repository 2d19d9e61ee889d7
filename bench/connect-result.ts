// What a load generator's connect call reports, shared by the live and the resuming load generators.
import { performance } from 'node:perf_hooks';
import { Histogram } from './histogram.js';
import type { ConnectResult } from './ipc-messages.js';

/** Counts a failed connect by its message. */
export function countConnectError(errors: Map<string, number>, err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  errors.set(msg, (errors.get(msg) ?? 0) + 1);
}

/** The connect call's result: counts, time since `started`, handshakes and the five commonest errors. */
export function connectResult(
  opened: number,
  failed: number,
  started: number,
  handshake: Histogram,
  errors: Map<string, number>,
): ConnectResult {
  return {
    opened,
    failed,
    elapsedMs: performance.now() - started,
    handshake: handshake.snapshot(),
    errors: [...errors].slice(0, 5).map(([m, n]) => `${m} (×${n})`),
  };
}

/**
 * Runs `attempt(k)` for k = 0 … count − 1, at most `concurrency` at once (a fixed pool of workers bounds
 * the concurrent handshakes); each attempt answers its handshake time in ms, or throws to count a failure.
 */
export async function connectPool(
  count: number,
  concurrency: number,
  attempt: (k: number) => Promise<number>,
): Promise<ConnectResult> {
  const handshake = new Histogram();
  const errors = new Map<string, number>();
  let next = 0;
  let opened = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const k = next++;
      try {
        handshake.record(await attempt(k));
        opened++;
      } catch (err) {
        failed++;
        countConnectError(errors, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return connectResult(opened, failed, started, handshake, errors);
}
