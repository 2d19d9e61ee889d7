// Reconnect storm: clients on per-job topics plus a shared one while events
// are published; every client's TCP socket is cut at the same instant (by the
// load generators: fair to every server, as a network failure would be), and
// each resumes: Jobstream /ws from its last seq per topic, SSE with
// Last-Event-ID, long-poll with since, Socket.IO v4 with connection state
// recovery. Measured: cut → every missed event held, and what was lost or
// repeated.

import { fmt, scaled } from '../scenario.js';
import type { Column, Scenario } from '../scenario.js';
import { SERVERS, startServer } from '../server-process.js';
import type { RunningServer } from '../server-process.js';
import type { ResumeClientKind } from '../ipc-messages.js';
import { resumeRows, resumeRun, resumeValues } from './resume-run.js';
import type { BenchConfig } from '../config.js';

interface Plan {
  kind: ResumeClientKind;
  /** which server: Jobstream, Socket.IO with recovery, or the bare ws baseline (no history) */
  server: 'jobstream' | 'socketio' | 'bare';
  clients: number;
  /** per-job topics (clients spread round them) */
  jobTopics: number;
  /** job events/s over all of them */
  perSec: number;
  label: string;
  perChild: number;
}

/**
 * 10,000 clients for /ws and Socket.IO; SSE and long-poll are scaled down so that the load generators
 * (which share 2 cores with the server) keep up: 5,000 SSE streams, 1,000 long-poll clients (each polls
 * two topics, 5 times a second on the shared one). The same /ws and Socket.IO storm again at 1,000
 * clients, where 10 clients share a job topic and each job topic gets 1 event/s as at 10,000 (so a
 * client misses as much and is sent as much), but 1,000 handshakes cannot be what takes the time.
 * Bare ws at both sizes is the floor this machine sets: the same clients reconnect (with the same
 * jitter) and subscribe, and that is all, as bare ws keeps no history to replay.
 */
function plan(key: string, cfg: BenchConfig): Plan {
  const full = { jobTopics: scaled(1000, cfg.scale, 2), perSec: scaled(1000, cfg.scale, 10) };
  const small = { jobTopics: scaled(100, cfg.scale, 2), perSec: scaled(100, cfg.scale, 2) };
  switch (key) {
    case 'socketio':
      return {
        kind: 'socketio',
        server: 'socketio',
        clients: scaled(10000, cfg.scale, 20),
        ...full,
        label: 'Socket.IO',
        perChild: 5000,
      };
    case 'sse':
      return {
        kind: 'sse',
        server: 'jobstream',
        clients: scaled(5000, cfg.scale, 20),
        ...full,
        label: 'SSE (scaled down)',
        perChild: 2500,
      };
    case 'poll':
      return {
        kind: 'poll',
        server: 'jobstream',
        clients: scaled(1000, cfg.scale, 20),
        ...full,
        label: 'long-poll (scaled down)',
        perChild: 2000,
      };
    case 'ws-small':
      return {
        kind: 'ws',
        server: 'jobstream',
        clients: scaled(1000, cfg.scale, 20),
        ...small,
        label: 'WebSocket',
        perChild: 5000,
      };
    case 'socketio-small':
      return {
        kind: 'socketio',
        server: 'socketio',
        clients: scaled(1000, cfg.scale, 20),
        ...small,
        label: 'Socket.IO',
        perChild: 5000,
      };
    // The same clients and load as the /ws columns, against the bare ws server.
    case 'bare':
      return { ...plan('ws', cfg), server: 'bare' };
    case 'bare-small':
      return { ...plan('ws-small', cfg), server: 'bare' };
    default:
      return {
        kind: 'ws',
        server: 'jobstream',
        clients: scaled(10000, cfg.scale, 20),
        ...full,
        label: 'WebSocket',
        perChild: 5000,
      };
  }
}

const COLUMNS = (cfg: BenchConfig): Column[] => {
  const small = fmt.int(scaled(1000, cfg.scale, 20));
  return [
    { key: 'ws', label: 'Jobstream /ws' },
    { key: 'socketio', label: 'Socket.IO + recovery' },
    { key: 'sse', label: 'Jobstream SSE' },
    { key: 'poll', label: 'Jobstream long-poll' },
    { key: 'ws-small', label: `Jobstream /ws, ${small} clients` },
    { key: 'socketio-small', label: `Socket.IO + recovery, ${small} clients` },
    { key: 'bare', label: 'bare ws: reconnect + subscribe, no history' },
    { key: 'bare-small', label: `bare ws, ${small} clients` },
  ];
};

export const reconnectStorm: Scenario = {
  name: 'reconnect-storm',
  title: 'Reconnect storm: every socket cut at once, all resume',
  rows: () => [
    {
      key: 'load',
      label:
        'load: job topics + 1 shared (5 events/s); job events/s over them, 1/s per topic (the 1,000-client columns: a tenth of both)',
    },
    ...resumeRows('cut at once'),
  ],
  columns: (cfg) =>
    COLUMNS(cfg).filter((c) => {
      const { server } = plan(c.key, cfg);
      return server === 'jobstream' || cfg.servers.includes(server);
    }),
  async runColumn(ctx, column) {
    const p = plan(column.key, ctx.cfg);
    const jobTopics = Math.min(p.jobTopics, p.clients);
    let server: RunningServer | undefined;
    try {
      server = await startServer(SERVERS[p.server], ctx.root, ctx.apiKey, {
        env: p.server === 'socketio' ? { SOCKETIO_RECOVERY: '1' } : {},
      });
      const s = server;
      const r = await resumeRun(ctx, {
        kind: p.kind,
        clientUrls: [p.kind === 'ws' ? s.clientUrl : s.baseUrl],
        publishUrls: [s.baseUrl],
        apiKey: ctx.apiKey,
        clients: p.clients,
        jobTopics,
        perSec: p.perSec,
        warmMs: 4000 * ctx.cfg.timeScale,
        afterMs: 8000,
        perChild: p.perChild,
        pids: () => [s.pid],
        disrupt: async (fleet) => {
          ctx.log('cutting every socket');
          await fleet.cut();
        },
      });
      const died = s.exited();
      if (died) ctx.note(`${column.label}: server ${died}`);
      return {
        load: `${fmt.int(jobTopics)} topics, ${fmt.int(p.perSec)} ev/s`,
        ...resumeValues(r, p.label, p.server === 'jobstream'),
      };
    } finally {
      if (server?.notableCount) {
        ctx.note(
          `${column.label} logged ${server.notableCount} warning/error line(s), e.g. \`${(server.notable[0] ?? '').slice(0, 300)}\``,
        );
      }
      await server?.stop();
    }
  },
};
