import { describeTimeUntil, recordOf, renderCatalogued } from '@jobstream/protocol';
import type {
  CanonicalEvent,
  CatalogueRenderers,
  FollowupData,
  InterviewData,
  InterviewUpdatedData,
  Published,
  RecommendationsData,
  SkillGapData,
} from '@jobstream/protocol';
import type { FrameEncoder } from '../../hub/hub-event.js';
import { jsonFrame } from '../ws-frame.js';

/**
 * Canonical events → channels API events (spec/channels.md). One renderer per canonical type, each
 * reading its type's data by the event catalogue's names; the encoder is a module constant so that the
 * hub renders each event once for every channels socket. Canonical data arrives as published: a
 * missing field renders as null, never as a crash.
 */

type Data = Record<string, unknown>;
type Rendered = { type: string; data: Data } | null;
type Renderer<T> = (data: Published<T>, event: CanonicalEvent) => Rendered;

const orNull = (value: unknown): unknown => value ?? null;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** A count the producer may send as a number or as the list itself. */
const count = (value: unknown): number =>
  Array.isArray(value) ? value.length : typeof value === 'number' ? value : 0;

const interview = (d: Published<InterviewData>): Data => ({
  interview_id: orNull(d.interview_id),
  job_id: orNull(d.job_id),
  company: orNull(d.company),
  job_title: orNull(d.job_title),
  interview_type: orNull(d.interview_type),
  scheduled_date: orNull(d.scheduled_date),
  duration_minutes: orNull(d.duration_minutes),
  calendar_event_id: orNull(d.calendar_event_id),
});

const followup = (d: Published<FollowupData>): Data => ({
  followup_id: orNull(d.followup_id),
  job_id: orNull(d.job_id),
  company: orNull(d.company),
  job_title: orNull(d.job_title),
  followup_type: orNull(d.followup_type),
  scheduled_date: orNull(d.scheduled_date),
});

/** Milliseconds from the event to a date in its data (NaN when either is not a date). */
const untilMs = (date: unknown, event: CanonicalEvent): number =>
  Date.parse(String(date)) - Date.parse(event.ts);

/** The document's severities (info, warning, …) from a notification's priority, unless its data names one. */
const severityOf: Readonly<Record<string, string>> = {
  low: 'info',
  normal: 'info',
  high: 'warning',
  urgent: 'critical',
};
const severity = (priority: unknown): string | undefined => {
  const key = priority ?? 'normal';
  return typeof key === 'string' && Object.hasOwn(severityOf, key) ? severityOf[key] : undefined;
};

const notification: CatalogueRenderers<Rendered>['notification'] = (d) => {
  const extra = recordOf(d.data);
  return {
    type: 'system.notification',
    data: {
      message: d.message ?? '',
      severity: typeof extra.severity === 'string' ? extra.severity : severity(d.priority),
      action_required: typeof extra.action_required === 'boolean' ? extra.action_required : false,
      notification_type: orNull(d.notification_type),
      priority: orNull(d.priority),
    },
  };
};

const recommendations =
  (type: string): Renderer<RecommendationsData> =>
  (d, event) => {
    const top = list(d.top_recommendations).map(recordOf);
    return {
      type,
      data: {
        count: d.count ?? top.length,
        top_recommendations: top.map((r) => ({
          job_id: orNull(r.job_id),
          company: orNull(r.company),
          job_title: orNull(r.job_title),
          score: orNull(r.score),
        })),
        generated_at: d.generated_at ?? event.ts,
      },
    };
  };

const skillGap =
  (type: string): Renderer<SkillGapData> =>
  (d) => {
    const missing = list(d.missing_skills_list).map(recordOf);
    return {
      type,
      data: {
        job_id: orNull(d.job_id),
        overall_match: orNull(d.overall_match),
        matching_skills: count(d.matching_skills),
        missing_skills: d.missing_skills === undefined ? missing.length : count(d.missing_skills),
        missing_skills_list: missing.map((s) => ({
          skill: orNull(s.skill),
          importance: orNull(s.importance),
        })),
      },
    };
  };

const interviewUpdated: Renderer<InterviewUpdatedData> = (d) => ({
  type: 'interview.updated',
  data: { ...interview(d), status: orNull(d.status), changes: strings(d.changes) },
});

/** Canonical type → its rendering; a type not here is not part of this API and is not sent. */
const renderers: CatalogueRenderers<Rendered> = {
  'posting.created': (d) => {
    if (!d.posting) return null;
    const p = recordOf(d.posting);
    const data = {
      job_id: p.id,
      company: p.company,
      job_title: p.job_title,
      location: p.location,
      source: p.source,
    };
    return { type: 'job.created', data };
  },
  'analysis.started': (d) => ({
    type: 'job.analyzing',
    data: { job_id: orNull(d.job_id), company: orNull(d.company), job_title: orNull(d.job_title) },
  }),
  'analysis.completed': (d) => ({
    type: 'job.analyzed',
    data: {
      job_id: orNull(d.job_id),
      match_score: orNull(d.match_score),
      recommendation: orNull(d.recommendation),
      strengths: strings(d.strengths),
      concerns: strings(d.concerns),
    },
  }),
  'application.status_changed': (d) => ({
    type: 'application.status_changed',
    data: {
      application_id: orNull(d.application_id),
      job_id: orNull(d.job_id),
      company: orNull(d.company),
      job_title: orNull(d.job_title),
      old_status: orNull(d.old_status),
      new_status: orNull(d.new_status),
      timestamp: orNull(d.timestamp),
    },
  }),
  'application.created': (d) => ({
    type: 'application.updated',
    data: {
      application_id: orNull(d.application_id),
      job_id: orNull(d.job_id),
      company: orNull(d.company),
      job_title: orNull(d.job_title),
      status: orNull(d.status),
      applicant_name: orNull(d.applicant_name),
      timestamp: orNull(d.created_at),
    },
  }),
  'recommendations.new': recommendations('recommendations.new'),
  'recommendations.updated': recommendations('recommendations.updated'),
  'skill_gap.completed': skillGap('skill_gap.completed'),
  'skill_gap.updated': skillGap('skill_gap.updated'),
  'followup.due': (d, event) => {
    const derived = Math.max(0, Math.round(untilMs(d.scheduled_date, event) / 3_600_000));
    const hours = d.hours_until_due ?? (Number.isNaN(derived) ? null : derived);
    return { type: 'followup.due', data: { ...followup(d), hours_until_due: hours } };
  },
  'followup.sent': (d) => ({ type: 'followup.sent', data: { ...followup(d), sent_at: orNull(d.sent_at) } }),
  'interview.scheduled': (d) => ({ type: 'interview.scheduled', data: interview(d) }),
  'interview.updated': interviewUpdated,
  // The document has no cancellation event: a cancellation is an update whose status is "cancelled".
  'interview.cancelled': (d, e) => interviewUpdated({ changes: ['status'], ...d, status: 'cancelled' }, e),
  'interview.reminder': (d, event) => {
    const ms = untilMs(d.scheduled_date, event);
    const timeUntil = d.time_until ?? (Number.isNaN(ms) ? null : describeTimeUntil(ms));
    return { type: 'interview.reminder', data: { ...interview(d), time_until: timeUntil } };
  },
  notification,
  'system.notification': notification,
  'system.maintenance': (d) => ({ type: 'system.maintenance', data: { ...d } }),
};

/** The channels API's rendering of a canonical event, or null when the API has no such event. */
export const channelsEventFrame: FrameEncoder = (event) => {
  const out = renderCatalogued(renderers, event);
  if (!out) return null;
  return jsonFrame({ type: out.type, data: out.data, timestamp: event.ts, event_id: event.id });
};
