import { useState, type FormEvent } from 'react';
import { call } from '../api.js';
import { message, usePolled } from '../poll.js';
import type { Session } from '../session.js';
import { useToast } from '../toasts.js';
import type { ServerStats } from './Home.js';

/** Connections by endpoint, topics, workers (GET /api/v1/stats), and a form to publish a test event. */
export function AdminPage({ session }: { session: Session }) {
  const toast = useToast();
  const stats = usePolled(
    () => call<ServerStats>('/api/v1/stats', { token: session.token }),
    '',
    10_000,
    5000,
  );
  const [busy, setBusy] = useState(false);
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
      .then((r) => toast(`Published to ${r.topic} as seq ${r.seq}`, 'good'))
      .catch((err: unknown) => toast(`Refused: ${message(err)}`, 'bad'))
      .finally(() => setBusy(false));
  };
  if (session.user.role !== 'admin')
    return (
      <section className="panel page">
        <p className="error">Admins only.</p>
      </section>
    );
  return (
    <div className="grid two">
      <section className="panel" aria-labelledby="admin-title">
        <h2 id="admin-title">Connections</h2>
        {stats.error && <p className="error">{stats.error}</p>}
        {s && (
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
                {Object.entries(s.connections.by_endpoint).map(([name, n]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td className="num">{n}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">total</th>
                  <td className="num">{s.connections.total}</td>
                </tr>
              </tbody>
            </table>
            <h3>Topics and events</h3>
            <p>
              {s.topics.known} topics ({s.topics.subscribed} subscribed here), {s.subscriptions}{' '}
              subscriptions, {s.events.published} events published, {s.events.delivered} delivered,{' '}
              {s.events.in_history} in history
            </p>
            {s.workers && (
              <p>
                Workers: {s.workers.alive} alive, {s.workers.running} running of {s.workers.concurrency} slots
              </p>
            )}
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
