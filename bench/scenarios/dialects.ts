// The documented WebSocket dialects beside native /ws on the same fan-out:
// posting.created events on `postings` for native (subscribe), channels
// (?channels=jobs), job-feed (its default feed) and notifications (a signed-in
// job seeker's job_posted); work.progress of anonymous work on `queue` for
// job-queue; one matching run's events on work:{id} for matching. Each dialect
// renders the event in its own shape; the publisher's stamp rides in a
// rendered field as "t=<ms>" (a posting's title, a job's phase, a target's name).

import { Fleet, startPublisher } from '../fleet.js';
import type { PublisherCalls } from '../ipc-messages.js';
import { closesText, fmt, num, scaled, sleep } from '../scenario.js';
import type { Column, ColumnContext, Scenario } from '../scenario.js';
import { readCpuMs, SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';

const CLIENTS = 2000;
const PER_SEC = 100;
const TARGET = 0.8;

type Streams = Pick<PublisherCalls['paced']['args'], 'postings' | 'work' | 'matching'>;

/** What a column's clients connect to and what the publisher sends them, once its server is up. */
interface Setup {
  path: string;
  streams: (perSec: number) => Streams;
}

interface DialectColumn extends Column {
  /** environment of this column's server on top of the common one */
  env?: Record<string, string>;
  setup: (ctx: ColumnContext, server: RunningServer) => Promise<Setup>;
}

const postings = (perSec: number): Streams => ({ postings: { topic: 'postings', perSec } });
const fixed =
  (path: string, streams: Setup['streams'] = postings) =>
  (): Promise<Setup> =>
    Promise.resolve({ path, streams });

async function call(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error message
  }
  return { status: res.status, json };
}

/**
 * One job seeker registered and signed in over REST; every client uses its token. The server checks
 * each token against its user row, so a token needs a real account; one account is the cheapest, and
 * the per-connection work (token check, user lookup, the user's four topics) is the same for any user.
 */
async function seekerToken(server: RunningServer): Promise<string> {
  const email = `bench-seeker-${Date.now()}@example.test`;
  const password = 'bench-password-1';
  const reg = await call(server, 'POST', '/api/v1/auth/register', {
    email,
    password,
    role: 'job_seeker',
    name: 'Bench Seeker',
  });
  if (reg.status !== 201) throw new Error(`register: HTTP ${reg.status} ${JSON.stringify(reg.json)}`);
  const login = await call(server, 'POST', '/api/v1/auth/login', { email, password });
  const token = (login.json as { access_token?: unknown }).access_token;
  if (login.status !== 200 || typeof token !== 'string')
    throw new Error(`login: HTTP ${login.status} ${JSON.stringify(login.json)}`);
  return token;
}

/**
 * An anonymous matching run started over REST (so anonymous readers may watch work:{id}), waited on
 * until it ended, so that only the bench's events are live on its topic while measuring.
 */
async function finishedRun(ctx: ColumnContext, server: RunningServer): Promise<string> {
  const started = await call(server, 'POST', '/api/v1/matching-jobs', {
    source: { name: 'Résumé', text: 'TypeScript and Node.js on PostgreSQL.' },
    targets: [{ name: 'Backend', text: 'Node.js services in TypeScript.' }],
    criteria: [{ id: 'ts', label: 'TypeScript' }],
  });
  const id = (started.json as { job_id?: unknown }).job_id;
  if (started.status !== 202 || typeof id !== 'string')
    throw new Error(`matching run: HTTP ${started.status} ${JSON.stringify(started.json)}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const updates = await call(server, 'GET', `/api/matching-jobs/${id}/updates/`);
    const text = JSON.stringify(updates.json);
    if (/"status":"(complete|failed)"/.test(text)) break;
    if (Date.now() > deadline) {
      ctx.note(`matching: run ${id} had not ended after 30 s; measured anyway`);
      break;
    }
    await sleep(200);
  }
  return id;
}

const COLUMNS: DialectColumn[] = [
  { key: 'native', label: 'native /ws', setup: fixed('/ws') },
  {
    key: 'channels',
    label: 'channels /api/v1/ws',
    setup: fixed('/api/v1/ws?user_id=bench&channels=jobs'),
  },
  { key: 'jobfeed', label: 'job-feed /api/v1/ws/jobs', setup: fixed('/api/v1/ws/jobs') },
  {
    key: 'notifications',
    label: 'notifications /ws/notifications/',
    env: { REGISTER_RATE_LIMIT_PER_MIN: '0', LOGIN_RATE_LIMIT_PER_MIN: '0', LOCAL_OWNER: 'off' },
    setup: async (_ctx, server) => ({
      path: `/ws/notifications/?token=${await seekerToken(server)}`,
      streams: postings,
    }),
  },
  {
    key: 'jobqueue',
    label: 'job-queue /api/ws/jobs',
    // Anonymous readers (no local owner) read `queue`, where anonymous work comes whole.
    env: { LOCAL_OWNER: 'off' },
    setup: fixed('/api/ws/jobs', (perSec) => ({ work: { topic: 'queue', perSec } })),
  },
  {
    key: 'matching',
    label: 'matching /ws/matching-jobs/{id}',
    env: { LOCAL_OWNER: 'off' },
    setup: async (ctx, server) => {
      const runId = await finishedRun(ctx, server);
      ctx.note(
        'matching: one anonymous run (started over REST, ended before the clients connect) fed through the publish route on its `work:{id}` topic; those events go out live like the run’s own but are not kept in its store, so a later reader would not get them replayed',
      );
      return {
        path: `/ws/matching-jobs/${runId}`,
        streams: (perSec) => ({ matching: { runId, perSec } }),
      };
    },
  },
];

const DIALECT_KEYS = COLUMNS.filter((c) => c.key !== 'native').map((c) => c.key);

export const dialects: Scenario = {
  name: 'dialects',
  title: 'Dialects beside native /ws: the same fan-out, each in its own events',
  rows: (cfg) => [
    {
      key: 'rate',
      label: `delivered events/s, ${fmt.int(scaled(CLIENTS, cfg.scale, 20))} clients, ${fmt.int(scaled(PER_SEC, cfg.scale, 10))} events/s published`,
      format: fmt.int,
    },
    { key: 'p50', label: 'p50 (ms)', format: fmt.ms },
    { key: 'p99', label: 'p99 (ms)', format: fmt.ms },
    { key: 'max', label: 'max (ms)', format: fmt.ms },
    { key: 'cpu', label: 'server CPU in the window (100 % = one core)', format: fmt.pct },
    {
      key: 'eff',
      label: 'native CPU ÷ this CPU, per delivered event (≥ 1: as cheap as native)',
      format: fmt.ratio,
      target: `≥ ${TARGET}`,
      met: (all) => {
        const vs = DIALECT_KEYS.map((k) => num(all[k]?.eff));
        if (vs.some((v) => v === undefined)) return undefined;
        return vs.every((v) => (v ?? 0) >= TARGET);
      },
    },
    { key: 'delivered', label: 'events delivered / expected', format: fmt.pct },
    { key: 'failed', label: 'failed publishes', format: fmt.int },
    { key: 'closes', label: 'unexpected closes' },
  ],
  columns: () => COLUMNS.map(({ key, label }) => ({ key, label })),
  async runColumn(ctx, column) {
    const col = COLUMNS.find((c) => c.key === column.key);
    if (!col) throw new Error(`no dialect column ${column.key}`);
    const n = scaled(CLIENTS, ctx.cfg.scale, 20);
    const perSec = scaled(PER_SEC, ctx.cfg.scale, 10);
    let server: RunningServer | undefined;
    const fleet = await Fleet.start(Fleet.childrenFor(n));
    const pub = await startPublisher();
    try {
      server = await startServer(SERVERS.jobstream, ctx.root, ctx.apiKey, col.env ? { env: col.env } : {});
      const port = new URL(server.baseUrl).port;
      const { path, streams } = await col.setup(ctx, server);
      const target = {
        ...server,
        spec: { ...server.spec, client: 'dialect' as const },
        clientUrl: `ws://127.0.0.1:${port}${path}`,
      };
      ctx.log(`connecting ${fmt.int(n)} to ${path.replace(/token=[^&]+/, 'token=…')}`);
      const c = await fleet.connect(
        target,
        { total: n, topics: { shared: ['postings'] }, parseLatency: true },
        120_000,
      );
      if (c.failed) ctx.note(`${column.label}: ${c.failed} of ${n} failed: ${c.errors.join('; ')}`);
      await sleep(1000); // the dialects subscribe their topics after the upgrade
      const warmMs = 2000 * ctx.cfg.timeScale;
      const windowMs = 8000 * ctx.cfg.timeScale;
      await fleet.all('reset', {});
      const publishing = pub.rpc.call(
        'paced',
        {
          baseUrl: server.baseUrl,
          key: ctx.apiKey,
          inflight: 256,
          durationMs: warmMs + windowMs,
          ...streams(perSec),
        },
        warmMs + windowMs + 30_000,
      );
      let cpuMs = 0;
      try {
        await sleep(warmMs);
        await fleet.all('measure', { on: true });
        const cpu0 = readCpuMs(server.pid);
        await sleep(windowMs);
        cpuMs = readCpuMs(server.pid) - cpu0;
        await fleet.all('measure', { on: false });
      } finally {
        await publishing.catch(() => undefined);
      }
      const stats = await publishing;
      await sleep(500);
      const rep = await fleet.report();
      const expected = stats.jobOk * c.opened;
      const deliveredPerSec = (rep.job.count / windowMs) * 1000;
      return {
        rate: deliveredPerSec,
        p50: rep.job.percentile(0.5),
        p99: rep.job.percentile(0.99),
        max: rep.job.count ? rep.job.maxMs : NaN,
        cpu: cpuMs / windowMs,
        /** CPU ms per 1000 delivered events, for the ratio */
        cpuPerK: rep.job.count ? cpuMs / (rep.job.count / 1000) : NaN,
        delivered: expected ? rep.delivered / expected : NaN,
        failed: stats.failed,
        closes: closesText(rep.closes),
      };
    } finally {
      if (server?.notableCount) {
        ctx.note(
          `${column.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
        );
      }
      await pub.stop();
      await fleet.stop();
      await server?.stop();
    }
  },
  derive(all) {
    const base = num(all.native?.cpuPerK);
    for (const v of Object.values(all)) {
      const mine = num(v?.cpuPerK);
      if (v && base && mine) v.eff = base / mine;
    }
  },
};
