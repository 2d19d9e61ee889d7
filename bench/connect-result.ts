// What a load generator's connect call reports, shared by the live and the resuming load generators.
import { performance } from 'node:perf_hooks';
import type { Histogram } from './histogram.js';
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
