// Run options from the environment or flags: --scale / BENCH_SCALE,
// --only / BENCH_ONLY, --servers / BENCH_SERVERS.

import { SERVER_NAMES } from './server-process.js';
import type { ServerName } from './server-process.js';

export const SCENARIO_NAMES = [
  'saturation',
  'per-job',
  'broadcast',
  'memory',
  'setup',
  'reconnect-storm',
  'transports',
  'redis',
  'three-nodes',
  'rolling-restart',
  'dialects',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchConfig {
  /** multiplies connection counts and event rates (1 = the numbers) */
  scale: number;
  /** multiplies warm-up and measuring windows; shorter for smoke tests */
  timeScale: number;
  only: ScenarioName[];
  servers: ServerName[];
}

function flag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

function list<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] {
  if (!raw) return [...allowed];
  const picked = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const p of picked) {
    if (!(allowed as readonly string[]).includes(p)) {
      throw new Error(`unknown ${what} "${p}"; expected one of ${allowed.join(', ')}`);
    }
  }
  return allowed.filter((a) => picked.includes(a));
}

export function readConfig(): BenchConfig {
  const scale = Number(flag('scale') ?? process.env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) throw new Error('scale must be in (0, 1]');
  return {
    scale,
    timeScale: Math.min(1, Math.max(0.2, scale)),
    only: list(flag('only') ?? process.env.BENCH_ONLY, SCENARIO_NAMES, 'scenario'),
    servers: list(flag('servers') ?? process.env.BENCH_SERVERS, SERVER_NAMES, 'server'),
  };
}
