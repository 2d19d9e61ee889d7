import { useClient } from '@jobstream/client/react';
import type { FollowupData, InterviewData } from '@jobstream/protocol';
import { useEffect, useState } from 'react';
import { call } from '../api.js';
import { message, usePolled } from '../poll.js';
import type { Session } from '../session.js';
import { useToast } from '../toasts.js';

/** "in 2 d 3 h", "in 14 min 5 s", "12 min ago". */
export function countdown(iso: string, now: number): string {
  const ms = new Date(iso).getTime() - now;
  const s = Math.round(Math.abs(ms) / 1000);
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  const text = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

interface Reminder {
  readonly id: string;
  readonly text: string;
}

/** Upcoming interviews with a live countdown, reminders as they arrive, follow-ups to send. */
export function AgendaPage({ session }: { session: Session }) {
  const { token } = session;
  const client = useClient();
  const toast = useToast();
  const interviews = usePolled(
    () => call<InterviewData[]>('/api/v1/interviews?limit=100', { token }),
    token,
    30_000,
    10_000,
  );
  const followups = usePolled(
    () => call<FollowupData[]>('/api/v1/followups?limit=100', { token }),
    token,
    30_000,
    10_000,
  );
  const [reminders, setReminders] = useState<readonly Reminder[]>([]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const { reload: reloadInterviews } = interviews;
  const { reload: reloadFollowups } = followups;
  useEffect(
    () =>
      client.subscribe(`user:${session.user.id}`, (e) => {
        const d = e.data as {
          company?: string;
          job_title?: string;
          time_until?: string;
          followup_type?: string;
        };
        if (e.type === 'interview.reminder') {
          const text = `Interview at ${d.company ?? '?'} in ${d.time_until ?? 'a while'}`;
          // The toast comes from the notifications (on every page); here it stays at the top.
          setReminders((r) => [{ id: e.id, text }, ...r].slice(0, 5));
        } else if (e.type === 'followup.due') {
          setReminders((r) =>
            [
              {
                id: e.id,
                text: `Follow-up due: ${d.followup_type ?? ''} for ${d.job_title ?? '?'} at ${d.company ?? '?'}`,
              },
              ...r,
            ].slice(0, 5),
          );
          reloadFollowups();
        } else if (e.type.startsWith('interview.')) reloadInterviews();
        else if (e.type.startsWith('followup.')) reloadFollowups();
      }),
    [client, session.user.id, toast, reloadInterviews, reloadFollowups],
  );

  const sent = (f: FollowupData) =>
    call(`/api/v1/followups/${f.followup_id}/sent`, { token, body: {} })
      .then(() => {
        toast(`Marked sent: ${f.followup_type} for ${f.job_title}`, 'good');
        reloadFollowups();
      })
      .catch((e: unknown) => toast(`Could not mark it sent: ${message(e)}`, 'bad'));

  const upcoming = (interviews.data ?? [])
    .filter((i) => i.status === 'scheduled')
    .sort((a, b) => (a.scheduled_date < b.scheduled_date ? -1 : 1));
  const todo = (followups.data ?? [])
    .filter((f) => f.status === 'pending')
    .sort((a, b) => (a.scheduled_date < b.scheduled_date ? -1 : 1));
  return (
    <div className="grid two">
      <section className="panel" aria-labelledby="agenda-title">
        {reminders.length > 0 && (
          <div className="reminders" role="alert" data-testid="reminders">
            {reminders.map((r) => (
              <p key={r.id}>⏰ {r.text}</p>
            ))}
          </div>
        )}
        <h2 id="agenda-title">Interviews</h2>
        {interviews.error && <p className="error">{interviews.error}</p>}
        {upcoming.length === 0 ? (
          <p className="empty">No interview scheduled.</p>
        ) : (
          <ol className="feed" data-testid="interviews">
            {upcoming.map((i) => (
              <li key={i.interview_id}>
                <div className="line">
                  <strong>
                    {i.job_title} at {i.company}
                  </strong>
                  <span className="countdown">{countdown(i.scheduled_date, now)}</span>
                </div>
                <div className="meta">
                  {i.interview_type} · {new Date(i.scheduled_date).toLocaleString()} · {i.duration_minutes}{' '}
                  min
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="panel" aria-labelledby="followups-title">
        <h2 id="followups-title">Follow-ups</h2>
        {followups.error && <p className="error">{followups.error}</p>}
        {todo.length === 0 ? (
          <p className="empty">Nothing to follow up.</p>
        ) : (
          <ol className="feed" data-testid="followups">
            {todo.map((f) => (
              <li key={f.followup_id}>
                <div className="line">
                  <strong>
                    {f.followup_type}: {f.job_title} at {f.company}
                  </strong>
                  <button type="button" onClick={() => void sent(f)}>
                    Mark sent
                  </button>
                </div>
                <div className="meta">due {countdown(f.scheduled_date, now)}</div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
