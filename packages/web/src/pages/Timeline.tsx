import { useClient } from '@jobstream/client/react';
import { useEffect } from 'react';
import { call } from '../api.js';
import { usePolled } from '../poll.js';
import type { Session } from '../session.js';

interface Step {
  readonly id: number;
  readonly kind: string;
  readonly actor_name: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: string;
}

const text = (value: unknown, fallback = '?'): string =>
  typeof value === 'string' && value !== '' ? value : fallback;
const day = (value: unknown): string =>
  typeof value === 'string' ? new Date(value).toLocaleDateString() : '?';

/** One step in a few words. */
function describeStep(step: Step): string {
  const d = step.detail;
  switch (step.kind) {
    case 'applied':
      return 'applied';
    case 'status_changed':
      return `${text(d.old_status)} → ${text(d.new_status)}`;
    case 'interview_scheduled':
      return `${text(d.interview_type, 'interview')} interview scheduled for ${day(d.scheduled_date)}`;
    case 'interview_updated':
      return `interview changed (${day(d.scheduled_date)})`;
    case 'interview_cancelled':
      return 'interview cancelled';
    case 'followup_scheduled':
      return `follow-up ${text(d.followup_type, '')} planned for ${day(d.scheduled_date)}`;
    case 'followup_rescheduled':
      return `follow-up moved to ${day(d.scheduled_date)}`;
    case 'followup_cancelled':
      return 'follow-up cancelled';
    case 'followup_due':
      return 'follow-up due';
    case 'followup_sent':
      return 'follow-up sent';
    default:
      return step.kind;
  }
}

/**
 * One application's story, newest first, from `GET /api/v1/applications/{id}/timeline`: status
 * changes, interviews and follow-ups with who made them. Reloaded when the viewer's own topic says the
 * application changed (the applicant and the posting's recruiter both hear of it).
 */
export function Timeline(props: { session: Session; applicationId: number; userId: string }) {
  const { session, applicationId } = props;
  const { token } = session;
  const client = useClient();
  const steps = usePolled(
    async () =>
      (
        await call<{ entries: readonly Step[] }>(`/api/v1/applications/${applicationId}/timeline`, {
          token,
        })
      ).entries,
    `${applicationId}`,
    60_000,
    10_000,
  );
  const { reload } = steps;
  useEffect(
    () =>
      client.subscribe(`user:${session.user.id}`, (e) => {
        const data = e.data as { application_id?: unknown } | null;
        if (data !== null && typeof data === 'object' && data.application_id === applicationId) reload();
      }),
    [client, session.user.id, applicationId, reload],
  );
  const entries = [...(steps.data ?? [])].reverse();
  if (steps.error !== undefined && entries.length === 0) return <p className="empty">{steps.error}</p>;
  return entries.length === 0 ? (
    <p className="empty">Nothing yet.</p>
  ) : (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.id}>
          <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> {describeStep(e)}
          {e.actor_name && <span className="meta"> · {e.actor_name}</span>}
        </li>
      ))}
    </ol>
  );
}
