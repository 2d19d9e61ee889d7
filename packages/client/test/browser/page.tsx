// The page the browser tests drive: the SDK and its React hooks, exposed on `window.jobstream`.
import { StrictMode, useRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createClient, type JobstreamClient, type TopicEvent, type WebSocketLike } from '../../src/index.js';
import {
  JobstreamProvider,
  useConnectionState,
  useJobsWebSocket,
  useTopic,
  useWebSocket,
} from '../../src/react/index.js';

export interface AppReport {
  replayRenders: number;
  replayed: number[];
  renders: number;
  count: number;
  seqs: number[];
  state: string;
  feedState: string;
  feed: string[];
  jobs: string[];
  /** What a signed-in reader's useJobsWebSocket hands out: `type id result`. */
  ownJobs: string[];
}

const report: AppReport = {
  replayRenders: 0,
  replayed: [],
  renders: 0,
  count: 0,
  seqs: [],
  state: '',
  feedState: '',
  feed: [],
  jobs: [],
  ownJobs: [],
};

function Counter() {
  const renders = useRef(0);
  renders.current++;
  const folded = useTopic('postings', {
    reducer: (s: { count: number; seqs: number[] }, e) => ({ count: s.count + 1, seqs: [...s.seqs, e.seq] }),
    initial: { count: 0, seqs: [] },
  });
  const { state } = useConnectionState();
  report.renders = renders.current;
  report.count = folded.count;
  report.seqs = folded.seqs;
  report.state = state;
  return <p>{folded.count}</p>;
}

/** Mounted late with `since: 0`: the whole history arrives at once, as after a long disconnection. */
function Replay() {
  const renders = useRef(0);
  renders.current++;
  const seqs = useTopic('postings', {
    since: 0,
    reducer: (s: number[], e: TopicEvent<'postings'>) => [...s, e.seq],
    initial: [],
  });
  report.replayRenders = renders.current;
  report.replayed = seqs;
  return null;
}

function Feed() {
  const { state, messages } = useWebSocket({ messageTypes: ['new_job'] });
  report.feedState = state;
  report.feed = messages.map((m) => `${m.type} ${String(m.data.title)}`);
  return <p>{messages.length}</p>;
}

function OwnQueue() {
  useJobsWebSocket({
    onJobUpdate: (job, type) =>
      report.ownJobs.push(`${type} ${String(job.id)} ${JSON.stringify(job.result)}`),
  });
  return null;
}

function Queue() {
  useJobsWebSocket({ onJobUpdate: (job, type) => report.jobs.push(`${type} ${job.status}`) });
  return null;
}

let root: Root | undefined;
let replayRoot: Root | undefined;

/** A WebSocket that never connects (a proxy that refuses upgrades). */
class BlockedWebSocket implements WebSocketLike {
  readyState = 3;
  onopen = null;
  onmessage = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(_url: string) {
    setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 5);
  }
  send(): void {}
  close(): void {}
}

const api = {
  report,
  client: undefined as JobstreamClient | undefined,
  seen: [] as number[],
  /** A plain client subscribed to `postings`, recording seqs. */
  start(url: string, blockWebSocket: boolean): void {
    api.client = createClient({
      url,
      initialDelayMs: 20,
      maxDelayMs: 100,
      ...(blockWebSocket ? { WebSocket: BlockedWebSocket } : {}),
    });
    api.client.subscribe('postings', (e) => api.seen.push(e.seq));
  },
  mount(url: string): void {
    root = createRoot(document.getElementById('root')!);
    root.render(
      <StrictMode>
        <JobstreamProvider url={url} lingerMs={300}>
          <Counter />
          <Feed />
          <Queue />
        </JobstreamProvider>
      </StrictMode>,
    );
  },
  mountReplay(url: string): void {
    replayRoot = createRoot(document.getElementById('replay')!);
    replayRoot.render(
      <StrictMode>
        <JobstreamProvider url={url} lingerMs={300}>
          <Replay />
        </JobstreamProvider>
      </StrictMode>,
    );
  },
  /** A signed-in reader of the queue. */
  mountOwnQueue(url: string, token: string): void {
    replayRoot = createRoot(document.getElementById('replay')!);
    replayRoot.render(
      <StrictMode>
        <JobstreamProvider url={url} token={token} lingerMs={300}>
          <OwnQueue />
        </JobstreamProvider>
      </StrictMode>,
    );
  },
  unmount(): void {
    root?.unmount();
    replayRoot?.unmount();
  },
};

(window as unknown as { jobstream: typeof api }).jobstream = api;
