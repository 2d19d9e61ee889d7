// What a scenario is: a list of table rows and a function that measures one
// server (already started) and returns a value per row.

import type { BenchConfig, ScenarioName } from './config.js';
import type { RunningServer } from './server-process.js';

export type Cell = number | string | undefined;
export type Values = Record<string, Cell>;
/** every column's values, by column key (a server name, or a scenario's own column) */
export type AllValues = Partial<Record<string, Values>>;

/** A column of a scenario that compares set-ups of its own (brokers, node counts, transports…). */
export interface Column {
  key: string;
  label: string;
}

export interface RowDef {
  key: string;
  label: string;
  format?: (v: number) => string;
  /** goal text for the target column */
  target?: string;
  /** whether Jobstream meets the goal, given every server's values */
  met?: (all: AllValues) => boolean | undefined;
}

export interface ScenarioContext {
  cfg: BenchConfig;
  log: (msg: string) => void;
  /** extra notes printed under the table (connection failures, closes …) */
  note: (msg: string) => void;
}

export interface ColumnContext extends ScenarioContext {
  /** the publish key every server of the run is started with */
  apiKey: string;
  /** the repository root (servers are started from it) */
  root: string;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** rows may depend on the scale (e.g. the connection counts in labels) */
  rows: (cfg: BenchConfig) => RowDef[];
  /** each server gets a fresh server process; the scenario owns its clients */
  run?: (ctx: ScenarioContext, server: RunningServer) => Promise<Values>;
  /**
   * Instead of one column per server under test: columns of its own, each measured by runColumn,
   * which starts (and always stops) whatever servers that column needs.
   */
  columns?: (cfg: BenchConfig) => Column[];
  runColumn?: (ctx: ColumnContext, column: Column) => Promise<Values>;
  /** rows computed across servers after all ran (ratios) */
  derive?: (all: AllValues) => void;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const scaled = (n: number, scale: number, min = 1) => Math.max(min, Math.round(n * scale));

export const fmt = {
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
  ms: (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)),
  kib: (v: number) => v.toFixed(2),
  mib: (v: number) => v.toFixed(1),
  pct: (v: number) => `${(v * 100).toFixed(1)} %`,
  ratio: (v: number) => `${v.toFixed(2)}×`,
};

export function num(v: Cell): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** "code ×count" pairs, or "0" when nothing closed unexpectedly. */
export function closesText(closes: Record<string, number>): string {
  const parts = Object.entries(closes).map(([k, n]) => `${k} ×${n}`);
  return parts.length ? parts.join(', ') : '0';
}
