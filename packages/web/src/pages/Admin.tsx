import { useState, type FormEvent } from 'react';
import { call } from '../api.js';
import { message, usePolled } from '../poll.js';
import type { Session } from '../session.js';
import { useToast } from '../toasts.js';
import type { ServerStats } from './Home.js';

interface Connections {
  readonly total: number;
  readonly by_endpoint: Record<string, number>;
}

interface Topic {
  readonly topic: string;
  readonly subscribers: number;
  readonly last_seq: number;
}

/** GET /api/v1/admin/realtime. */
export interface AdminRealtime {
  readonly generated_at: string;
  readonly node: string;
  readonly cluster: boolean;
  readonly nodes: readonly {
    readonly id: string;
    readonly host: string;
    readonly pid: number;
    readonly updated_at: string;
    readonly self: boolean;
    readonly connections: Connections;
    readonly subscriptions: number;
    readonly topics_total: number;
  }[];
  readonly connections: Connections;
  readonly topics: { readonly total: number; readonly top: readonly (Topic & { readonly nodes: number })[] };
  readonly workers: {
    readonly alive: number;
    readonly concurrency: number;
    readonly running: number;
    readonly list: readonly {
      readonly id: string;
      readonly host: string;
      readonly pid: number;
      readonly concurrency: number;
      readonly running: number;
    }[];
  };
}

/** Topics shown until "all" is asked for (the server lists at most 200). */
const TOPICS_SHOWN = 25;

/**
 * Live connections by endpoint and by node, the most subscribed topics, the workers
 * (GET /api/v1/admin/realtime, every 5 s), the node's totals (GET /api/v1/stats), and a form to
 * publish a test event.
 */
export function AdminPage({ session }: { session: Session }) {
  const toast = useToast();
  const admin = session.user.role === 'admin';
  const realtime = usePolled(
    () =>
      admin
        ? call<AdminRealtime>('/api/v1/admin/realtime', { token: session.token })
        : Promise.resolve(undefined),
    session.token,
    5000,
    5000,
  );
  const stats = usePolled(
    () => (admin ? call<ServerStats>('/api/v1/stats', { token: session.token }) : Promise.resolve(undefined)),
    session.token,
    10_000,
    5000,
  );
  const [busy, setBusy] = useState(false);
  const [allTopics, setAllTopics] = useState(false);
  const r = realtime.data;
  const s = stats.data;
  const publish = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    let data: unknown;
    try {
      data = JSON.parse(text(form.get('data')) || '{}');
    } catch {
      toast('The data is not JSON', 'bad');
      return;
    }
    setBusy(true);
    call<{ topic: string; seq: number }>('/api/v1/publish', {
      token: session.token,
      body: { topic: text(form.get('topic')), type: text(form.get('type')), data },
    })
      .then((res) => {
        toast(`Published to ${res.topic} as seq ${res.seq}`, 'good');
        realtime.reload();
      })
      .catch((err: unknown) => toast(`Refused: ${message(err)}`, 'bad'))
      .finally(() => setBusy(false));
  };
  if (!admin)
    return (
      <section className="panel page">
        <p className="error">Admins only.</p>
      </section>
    );
  const topics = r ? (allTopics ? r.topics.top : r.topics.top.slice(0, TOPICS_SHOWN)) : [];
  return (
    <div className="grid two">
      <section className="panel" aria-labelledby="admin-title">
        <h2 id="admin-title">Connections</h2>
        {realtime.error && <p className="error">{realtime.error}</p>}
        {r && (
          <>
            <table data-testid="by-endpoint">
              <thead>
                <tr>
                  <th scope="col">endpoint</th>
                  <th scope="col" className="num">
                    open
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(r.connections.by_endpoint)
                  .sort(([a], [b]) => (a < b ? -1 : 1))
                  .map(([name, n]) => (
                    <tr key={name}>
                      <th scope="row">{name}</th>
                      <td className="num">{n}</td>
                    </tr>
                  ))}
                <tr>
                  <th scope="row">total</th>
                  <td className="num">{r.connections.total}</td>
                </tr>
              </tbody>
            </table>
            <h3>By node</h3>
            <table data-testid="by-node" className="admin-nodes">
              <thead>
                <tr>
                  <th scope="col">node</th>
                  <th scope="col">open by endpoint</th>
                  <th scope="col" className="num">
                    subs
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.nodes.map((node) => (
                  <tr key={node.id}>
                    <th scope="row">
                      <span className="mono">{node.id}</span>
                      {node.self && <span className="meta"> (this one)</span>}
                      <div className="meta">
                        {node.host} · pid {node.pid}
                        {!node.self && ` · ${age(node.updated_at, r.generated_at)}`}
                      </div>
                    </th>
                    <td>{endpoints(node.connections)}</td>
                    <td className="num">{node.subscriptions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="meta">
              {r.cluster
                ? `${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'} sharing Redis; each writes its snapshot every 5 s`
                : 'One node (no Redis)'}
            </p>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="topics-title">
        <h2 id="topics-title">Topics</h2>
        {r && (
          <>
            <p className="meta">
              {r.topics.total} subscribed across nodes; the {Math.min(r.topics.top.length, topics.length)}{' '}
              with the most subscribers
            </p>
            <table data-testid="topics" className="admin-topics">
              <thead>
                <tr>
                  <th scope="col">topic</th>
                  <th scope="col" className="num">
                    subscribers
                  </th>
                  <th scope="col" className="num">
                    last seq
                  </th>
                </tr>
              </thead>
              <tbody>
                {topics.map((t) => (
                  <tr key={t.topic}>
                    <th scope="row" className="mono">
                      {t.topic}
                    </th>
                    <td className="num">
                      {t.subscribers}
                      {r.nodes.length > 1 && <span className="meta"> on {t.nodes}</span>}
                    </td>
                    <td className="num">{t.last_seq}</td>
                  </tr>
                ))}
                {topics.length === 0 && (
                  <tr>
                    <td colSpan={3} className="meta">
                      No topic has a subscriber.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
            {r.topics.top.length > TOPICS_SHOWN && (
              <button type="button" className="link" onClick={() => setAllTopics((v) => !v)}>
                {allTopics ? `Show the first ${TOPICS_SHOWN}` : `Show all ${r.topics.top.length}`}
              </button>
            )}
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="workers-title">
        <h2 id="workers-title">Workers</h2>
        {r && (
          <>
            <p>
              {r.workers.alive} alive, {r.workers.running} running of {r.workers.concurrency} slots
            </p>
            <table data-testid="workers">
              <thead>
                <tr>
                  <th scope="col">worker</th>
                  <th scope="col" className="num">
                    running
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.workers.list.map((w) => (
                  <tr key={w.id}>
                    <th scope="row">
                      <span className="mono">{w.id.slice(0, 8)}</span>
                      <div className="meta">
                        {w.host} · pid {w.pid}
                      </div>
                    </th>
                    <td className="num">
                      {w.running} / {w.concurrency}
                    </td>
                  </tr>
                ))}
                {r.workers.list.length === 0 && (
                  <tr>
                    <td colSpan={2} className="meta">
                      No worker reports in.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </>
        )}
        {s && (
          <>
            <h3>This node</h3>
            <p>
              {s.topics.known} topics known, {s.events.published} events published, {s.events.delivered}{' '}
              delivered, {s.events.in_history} in history
            </p>
            <p className="meta">
              Memory: {Math.round(s.process.rss_bytes / 2 ** 20)} MiB · up {s.process.uptime_s} s
            </p>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="publish-title">
        <h2 id="publish-title">Publish a test event</h2>
        <form onSubmit={publish}>
          <label>
            Topic
            <input name="topic" defaultValue="alerts" required />
          </label>
          <label>
            Type
            <input name="type" defaultValue="test.event" required />
          </label>
          <label>
            Data (JSON)
            <textarea name="data" rows={4} defaultValue={'{"message": "hello"}'} />
          </label>
          <button type="submit" disabled={busy}>
            Publish
          </button>
        </form>
      </section>
    </div>
  );
}

const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');

const endpoints = (c: Connections): string => {
  const open = Object.entries(c.by_endpoint).filter(([, n]) => n > 0);
  if (open.length === 0) return 'none';
  const each = open.map(([name, n]) => `${name} ${n}`).join(', ');
  return open.length === 1 ? each : `${each} (${c.total})`;
};

const age = (updated: string, now: string): string =>
  `${Math.max(0, Math.round((Date.parse(now) - Date.parse(updated)) / 1000))} s ago`;
