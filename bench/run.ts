// `npm run bench`: for each scenario, start each server under test as a
// fresh child process, drive it with load-generator children, and print one
// markdown table per scenario (also written to .bench/last.md).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanup, killAllNow } from './children.js';
import { readConfig } from './config.js';
import type { ScenarioName } from './config.js';
import { renderTable } from './report-table.js';
import type { AllValues, Column, Scenario } from './scenario.js';
import { broadcast } from './scenarios/broadcast.js';
import { dialects } from './scenarios/dialects.js';
import { memory } from './scenarios/memory.js';
import { perJob } from './scenarios/per-job.js';
import { reconnectStorm } from './scenarios/reconnect-storm.js';
import { redis } from './scenarios/redis.js';
import { rollingRestart } from './scenarios/rolling-restart.js';
import { threeNodes } from './scenarios/three-nodes.js';
import { transports } from './scenarios/transports.js';
import { saturation } from './scenarios/saturation.js';
import { setup } from './scenarios/setup.js';
import { SERVERS, startServer } from './server-process.js';
import type { ServerName } from './server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS: Record<ScenarioName, Scenario> = {
  saturation,
  'per-job': perJob,
  broadcast,
  memory,
  setup,
  'reconnect-storm': reconnectStorm,
  transports,
  redis,
  'three-nodes': threeNodes,
  'rolling-restart': rollingRestart,
  dialects,
};
/** A scenario that takes longer than this is abandoned (its children are killed). */
const SCENARIO_TIMEOUT_MS = 5 * 60_000;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** On timeout every child is killed, so the abandoned scenario cannot load the next one. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      killAllNow();
      reject(new Error(`${what} took longer than ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([p, limit]).finally(() => {
    clearTimeout(timer);
  });
}

function machine(): string {
  const cpus = os.cpus();
  return [
    `- machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`,
    `- node ${process.version}; servers, load generators and the publisher share these cores`,
    // Anything else running skews every number, so say how busy the machine was.
    `- load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
  ].join('\n');
}

async function runScenario(
  s: Scenario,
  servers: ServerName[],
  cfg: ReturnType<typeof readConfig>,
): Promise<string> {
  const all: AllValues = {};
  const notes: string[] = [];
  const apiKey = randomBytes(16).toString('hex');
  const columns: Column[] = s.columns
    ? s.columns(cfg)
    : servers.map((name) => ({ key: name, label: SERVERS[name].label }));
  for (const column of columns) {
    const tag = `${s.name}/${column.key}`;
    const ctx = { cfg, log: (m: string) => log(`${tag}: ${m}`), note: (m: string) => notes.push(m) };
    const started = performance.now();
    if (s.runColumn) {
      // The scenario starts and stops the servers of its own columns.
      log(`${tag}: ${column.label}`);
      try {
        all[column.key] = await withTimeout(
          s.runColumn({ ...ctx, apiKey, root: ROOT }, column),
          SCENARIO_TIMEOUT_MS,
          tag,
        );
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        log(`${tag}: failed: ${msg}`);
        notes.push(`${column.label} failed: ${msg.split('\n')[0] ?? ''}`);
        all[column.key] = {};
      }
      log(`${tag}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      continue;
    }
    const run = s.run;
    if (!run) throw new Error(`scenario ${s.name} has neither run nor runColumn`);
    const spec = SERVERS[column.key as ServerName];
    log(`${tag}: starting ${spec.label}`);
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      // The bench's topics are an application's own, which anonymous clients may read, as with the
      // baselines: every server is driven without credentials.
      server = await startServer(spec, ROOT, apiKey, {});
      all[column.key] = await withTimeout(run(ctx, server), SCENARIO_TIMEOUT_MS, tag);
      const died = server.exited();
      if (died) notes.push(`${spec.label} ${died} during the run`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      log(`${tag}: failed: ${msg}`);
      notes.push(`${spec.label} failed: ${msg.split('\n')[0] ?? ''}`);
      all[column.key] = {};
    } finally {
      if (server) {
        if (server.notableCount) {
          notes.push(
            `${spec.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
          );
        }
        await server.stop();
      }
      log(`${tag}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  s.derive?.(all);
  // The bench itself keeps about 2 cores busy; much more than that means something else competed.
  notes.push(`load average after this scenario: ${os.loadavg()[0]?.toFixed(2) ?? '?'} (1 min)`);
  return renderTable(s.title, s.rows(cfg), columns, all, notes);
}

async function main(): Promise<void> {
  installCleanup();
  const cfg = readConfig();
  const outDir = path.join(ROOT, '.bench');
  fs.mkdirSync(outDir, { recursive: true });
  // Jobstream's store for the bench starts empty every run.
  for (const f of fs.readdirSync(outDir)) {
    if (f.startsWith('jobstream-bench.db')) fs.rmSync(path.join(outDir, f), { force: true });
  }
  const servers = cfg.servers.filter((name) => {
    if (name !== 'jobstream' || fs.existsSync(path.join(ROOT, 'packages/server/dist/cli.js'))) return true;
    log('packages/server/dist/cli.js not found (npm run build:packages): skipping Jobstream');
    return false;
  });
  const header = [
    `## Jobstream benchmark — ${new Date().toISOString()}`,
    '',
    machine(),
    `- scale ${cfg.scale} (connection counts and rates), time scale ${cfg.timeScale}; scenarios: ${cfg.only.join(', ')}`,
    '',
  ].join('\n');
  process.stdout.write(header + '\n');
  const parts = [header];
  const t0 = performance.now();
  for (const name of cfg.only) {
    const table = await runScenario(SCENARIOS[name], servers, cfg);
    process.stdout.write(table + '\n');
    parts.push(table);
  }
  parts.push(`_total run time ${((performance.now() - t0) / 1000).toFixed(0)} s_\n`);
  fs.writeFileSync(path.join(outDir, 'last.md'), parts.join('\n'));
  log(`tables written to .bench/last.md (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

main().then(
  () => {
    killAllNow();
    process.exit(0);
  },
  (err: unknown) => {
    log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killAllNow();
    process.exit(1);
  },
);
