// Load-generator child for resuming clients (resume-clients.ts): opens its
// share of them, cuts all their TCP sockets at once when told, and reports
// how long each took to hold every event it missed, and what was lost or
// repeated. Driven over IPC (ResumeCalls in ipc-messages.ts).

import { serveRpc } from './child-rpc.js';
import { connectPool } from './connect-result.js';
import { Histogram } from './histogram.js';
import type { ConnectResult, ResumeCalls, ResumeConnectArgs } from './ipc-messages.js';
import { cutPollSockets, now, resumeOpeners, TopicState } from './resume-clients.js';
import type { ResumeConn, ResumeHooks } from './resume-clients.js';

const MAX_ERRORS = 20;

const conns: ResumeConn[] = [];
const states: TopicState[] = [];
const live = new Histogram();
const recovery = new Histogram();
const fromReconnect = new Histogram();
const reconnected = new Histogram();
const subscribed = new Histogram();
const replay = new Histogram();
const downs: Record<string, number> = {};
const errors = new Map<string, number>();
let measuring = false;
let pending = 0;

function noteError(msg: string): void {
  if (errors.has(msg)) errors.set(msg, (errors.get(msg) ?? 0) + 1);
  else if (errors.size < MAX_ERRORS) errors.set(msg, 1);
}

const hooks: ResumeHooks = {
  onLatency(ms) {
    if (measuring) live.record(ms);
  },
  onRecovered(st) {
    pending--;
    recovery.record(st.recoveredAt - st.cutAt);
    if (st.reconnectAt) fromReconnect.record(st.recoveredAt - st.reconnectAt);
    if (st.openedAt) reconnected.record(st.openedAt - st.cutAt);
    if (st.subscribedAt) {
      subscribed.record(st.subscribedAt - st.cutAt);
      replay.record(st.recoveredAt - st.subscribedAt);
    }
  },
  onLost() {
    pending++;
  },
  onDown(reason) {
    downs[reason] = (downs[reason] ?? 0) + 1;
  },
  onError: noteError,
};

function topicsFor(args: ResumeConnectArgs, g: number): string[] {
  const { shared, perJob } = args.topics;
  return perJob ? [`${perJob.prefix}${g % perJob.count}`, ...shared] : [...shared];
}

async function connect(args: ResumeConnectArgs): Promise<ConnectResult> {
  const open = resumeOpeners[args.kind];
  return connectPool(args.count, args.concurrency, async (k) => {
    const g = args.firstIndex + k;
    const st = new TopicState(topicsFor(args, g), hooks);
    const t0 = performance.now();
    const c = await open(
      {
        urls: args.urls,
        first: g,
        localAddress: args.sourceAddrs[g % args.sourceAddrs.length] ?? '127.0.0.1',
        timeoutMs: args.timeoutMs,
        jitterMs: args.jitterMs,
      },
      st,
      hooks,
    );
    const ms = performance.now() - t0;
    conns.push(c);
    states.push(st);
    return ms;
  });
}

serveRpc<ResumeCalls>({
  connect,
  cut() {
    const at = now();
    // Mark first, then destroy every socket in the same turn: nothing is read in between.
    for (const st of states) {
      if (st.target) pending--; // a client still catching up from an earlier cut starts over
      st.cut(at);
      pending++;
    }
    for (const c of conns) c.cut();
    cutPollSockets();
    return { at };
  },
  pending() {
    return { pending, clients: states.length };
  },
  measure({ on, reset }) {
    measuring = on;
    if (reset) {
      // Only the latency histograms: losses, repeats and deliveries count from the first connect.
      live.reset();
      recovery.reset();
      fromReconnect.reset();
      reconnected.reset();
      subscribed.reset();
      replay.reset();
    }
    return null;
  },
  report({ final }) {
    let tailMissing = 0;
    let delivered = 0;
    let missed = 0;
    let duplicated = 0;
    let notRecovered = 0;
    let reconnects = 0;
    for (const st of states) {
      st.topics.forEach((t, i) => {
        const want = final[t];
        const have = st.last[i] ?? -1;
        if (want !== undefined && have >= 0 && want > have) tailMissing += want - have;
      });
      delivered += st.delivered;
      missed += st.missed;
      duplicated += st.duplicated;
      notRecovered += st.notRecovered;
      reconnects += st.reconnects;
    }
    return {
      live: live.snapshot(),
      recovery: recovery.snapshot(),
      fromReconnect: fromReconnect.snapshot(),
      reconnected: reconnected.snapshot(),
      subscribed: subscribed.snapshot(),
      replay: replay.snapshot(),
      clients: states.length,
      pending,
      delivered,
      missed,
      tailMissing,
      duplicated,
      notRecovered,
      reconnects,
      downs,
      errors: [...errors].map(([m, n]) => `${m} (×${n})`),
    };
  },
  async closeAll() {
    for (const c of conns) c.close();
    await new Promise((r) => setTimeout(r, 200));
    return null;
  },
});
