import { useTopic } from '@jobstream/client/react';
import type { FollowupData, InterviewData } from '@jobstream/protocol';
import { call } from '../api.js';
import { usePolled } from '../poll.js';
import type { Session } from '../session.js';

interface Entry {
  readonly at: string;
  readonly text: string;
}

/** Status changes from the user's topic (its history replayed), kept for one application. */
const foldChanges =
  (applicationId: number) =>
  (list: readonly Entry[], e: { type: string; ts: string; data: unknown }): readonly Entry[] => {
    const d = e.data as { application_id?: number; old_status?: string; new_status?: string };
    if (d.application_id !== applicationId) return list;
    if (e.type === 'application.status_changed')
      return [...list, { at: e.ts, text: `${d.old_status ?? '?'} → ${d.new_status ?? '?'}` }];
    if (e.type === 'application.created') return [...list, { at: e.ts, text: 'applied' }];
    return list;
  };

/** One application's story, newest first: status changes, interviews and follow-ups. */
export function Timeline(props: { session: Session; applicationId: number; userId: string }) {
  const { session, userId } = props;
  // Only the applicant (and admins) may read their topic: a recruiter's timeline has interviews and
  // follow-ups only.
  const readable = session.user.id === userId || session.user.role === 'admin';
  return readable ? <WithChanges {...props} /> : <Entries {...props} changes={[]} />;
}

function WithChanges(props: { session: Session; applicationId: number; userId: string }) {
  const changes = useTopic(`user:${props.userId}`, {
    reducer: foldChanges(props.applicationId),
    initial: [] as readonly Entry[],
    since: 0,
  });
  return <Entries {...props} changes={changes} />;
}

function Entries({
  session,
  applicationId,
  changes,
}: {
  session: Session;
  applicationId: number;
  changes: readonly Entry[];
}) {
  const { token } = session;
  const more = usePolled(
    async () => {
      const [interviews, followups] = await Promise.all([
        call<InterviewData[]>('/api/v1/interviews?limit=200', { token }),
        call<FollowupData[]>('/api/v1/followups?limit=200', { token }).catch(() => [] as FollowupData[]),
      ]);
      return [
        ...interviews
          .filter((i) => i.application_id === applicationId)
          .map((i) => ({ at: i.scheduled_date, text: `${i.interview_type} interview (${i.status})` })),
        ...followups
          .filter((f) => f.application_id === applicationId)
          .map((f) => ({ at: f.scheduled_date, text: `follow-up ${f.followup_type} (${f.status})` })),
      ];
    },
    `${applicationId}`,
    30_000,
    10_000,
  );
  const entries = [...changes, ...(more.data ?? [])].sort((a, b) => (a.at < b.at ? 1 : -1));
  return entries.length === 0 ? (
    <p className="empty">Nothing yet.</p>
  ) : (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e, i) => (
        <li key={i}>
          <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> {e.text}
        </li>
      ))}
    </ol>
  );
}
