// What the dashboard shows, folded from REST answers and live events. Pure functions: a reducer may
// be called twice by React (StrictMode), and the tests call them directly.
import type { TopicEvent } from '@jobstream/client';
import type { Posting, QueueStats, WorkJob } from '@jobstream/protocol';

/** Postings shown at most. */
export const POSTINGS_SHOWN = 30;
/** Work jobs shown at most. */
export const WORK_SHOWN = 12;
/** Scrape runs and personal events kept at most. */
export const LOG_SHOWN = 30;

export interface FeedPosting {
  readonly posting: Posting;
  /** How it last changed live: created, or updated (with the fields that changed); absent from REST. */
  readonly live?: {
    readonly kind: 'created' | 'updated';
    readonly changes: readonly string[];
    readonly at: string;
  };
}

/** Postings by id, newest first, at most {@link POSTINGS_SHOWN}. */
export type PostingFeed = readonly FeedPosting[];

/** The feed with `item` in it, unless the feed shows a newer version of that posting. */
export function putPosting(feed: PostingFeed, item: FeedPosting): PostingFeed {
  const known = feed.find((p) => p.posting.id === item.posting.id);
  // An answer older than what is shown never replaces it (a REST load that raced a live update).
  if (known && known.posting.updated_at > item.posting.updated_at) return feed;
  const rest = feed.filter((p) => p.posting.id !== item.posting.id);
  return [...rest, item].sort((a, b) => b.posting.id - a.posting.id).slice(0, POSTINGS_SHOWN);
}

export function foldPosting(feed: PostingFeed, e: TopicEvent<'postings'>): PostingFeed {
  const changes = e.type === 'posting.updated' ? e.data.changes : [];
  const kind = e.type === 'posting.created' ? 'created' : 'updated';
  return putPosting(feed, { posting: e.data.posting, live: { kind, changes, at: e.ts } });
}

/** Merges a REST page of postings into the feed (live changes win when they are newer). */
export function mergePostings(feed: PostingFeed, postings: readonly Posting[]): PostingFeed {
  return postings.reduce<PostingFeed>((f, posting) => putPosting(f, { posting }), feed);
}

export interface QueueView {
  /** The newest statistics, and when they were received (a REST answer or a `queue.stats` event). */
  readonly stats: { readonly value: QueueStats; readonly at: number } | undefined;
  /** Work jobs by id, most recently changed first. */
  readonly jobs: readonly WorkJob[];
  /** Matching runs, kept apart: a busy queue would soon push them out of `jobs`. */
  readonly runs: readonly WorkJob[];
}

export const emptyQueue: QueueView = { stats: undefined, jobs: [], runs: [] };

/** `jobs` with `incoming` in them, each in its newest whole version, most recently changed first. */
export function putJobs(
  jobs: readonly WorkJob[],
  incoming: readonly WorkJob[],
  limit = WORK_SHOWN,
): readonly WorkJob[] {
  if (incoming.length === 0) return jobs;
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of incoming) {
    const known = byId.get(job.id);
    // The shared queue's redacted copy of a transition never hides the whole one (from REST or the
    // owner's `user:{id}`); a later transition, redacted or not, replaces it.
    const newer = !known || known.updated_at < job.updated_at;
    if (newer || (known.updated_at === job.updated_at && job.redacted !== true)) byId.set(job.id, job);
  }
  return [...byId.values()]
    .sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0))
    .slice(0, limit);
}

/** Two lists of runs as one, each run in its newest whole version, most recently changed first. */
export function mergeRuns(a: readonly WorkJob[], b: readonly WorkJob[]): readonly WorkJob[] {
  return putJobs(a, b);
}

export function foldQueue(view: QueueView, e: TopicEvent<'queue'>, now = Date.now()): QueueView {
  if (e.type === 'queue.stats') return { ...view, stats: { value: e.data, at: now } };
  return {
    ...view,
    jobs: putJobs(view.jobs, [e.data]),
    runs: e.data.kind === 'matching' ? putJobs(view.runs, [e.data]) : view.runs,
  };
}

/** Merges a REST load (stats, recent jobs) into the queue view; matching runs among them go to `runs` too. */
export function mergeQueue(
  view: QueueView,
  stats: QueueStats | undefined,
  jobs: readonly WorkJob[],
  at = Date.now(),
): QueueView {
  const newer = stats && (!view.stats || view.stats.at <= at) ? { value: stats, at } : view.stats;
  const runs = jobs.filter((j) => j.kind === 'matching');
  return { stats: newer, jobs: putJobs(view.jobs, jobs), runs: putJobs(view.runs, runs) };
}

/** One scrape run of one source. */
export interface ScrapeRun {
  readonly source: string;
  readonly started_at: string;
  readonly completed?: {
    readonly at: string;
    readonly jobs_found: number;
    readonly new_jobs: number;
    readonly updated_jobs: number;
    readonly errors: number;
    readonly duration_seconds: number;
  };
}

/** Scrape runs, newest first. */
export function foldScrape(runs: readonly ScrapeRun[], e: TopicEvent<'scrapes'>): readonly ScrapeRun[] {
  const { source } = e.data;
  if (e.type === 'scrape.started') return [{ source, started_at: e.ts }, ...runs].slice(0, LOG_SHOWN);
  const { jobs_found, new_jobs, updated_jobs, errors, duration_seconds } = e.data;
  const completed = { at: e.ts, jobs_found, new_jobs, updated_jobs, errors, duration_seconds };
  const open = runs.findIndex((r) => r.source === source && !r.completed);
  if (open === -1) return [{ source, started_at: e.ts, completed }, ...runs].slice(0, LOG_SHOWN);
  return runs.map((r, i) => (i === open ? { ...r, completed } : r));
}

/** The latest run of each source, by source name. */
export function latestBySource(runs: readonly ScrapeRun[]): readonly ScrapeRun[] {
  const seen = new Map<string, ScrapeRun>();
  for (const run of runs) if (!seen.has(run.source)) seen.set(run.source, run);
  return [...seen.values()].sort((a, b) => a.source.localeCompare(b.source));
}

export interface Recommendation {
  readonly job_id: number;
  readonly company: string;
  readonly job_title: string;
  readonly score: number;
}

/** One line of the signed-in user's activity. */
export interface Activity {
  readonly id: string;
  readonly type: string;
  readonly ts: string;
  readonly title: string;
  readonly detail: string;
  readonly score?: number;
}

/** A seeker's recommendations, best first, as of `generated_at` (server time). */
export interface Recommendations {
  readonly items: readonly Recommendation[];
  readonly generated_at: string | null;
  /** Only what `recommendations.new` events brought (no whole list seen live yet): not all there is. */
  readonly partial?: boolean;
}

export interface UserView {
  readonly activity: readonly Activity[];
  /** The user's matching runs, whole, from their own `work.*` events (the queue shows them redacted). */
  readonly runs: readonly WorkJob[];
  /** As the `recommendations.*` events tell them; undefined before the first. */
  readonly recommendations: Recommendations | undefined;
}

/**
 * What to show: the live list when it is whole and newer; the new ones of `recommendations.new` among
 * those loaded over REST (the first live `.new` carries only what is new, never the whole list).
 */
export function shownRecommendations(
  loaded: Recommendations | undefined,
  live: Recommendations | undefined,
): Recommendations | undefined {
  if (!live?.partial || !loaded) return newer(live, loaded);
  const items = [...live.items, ...loaded.items.filter((r) => !live.items.some((l) => l.job_id === r.job_id))]
    .sort((a, b) => b.score - a.score)
    .slice(0, 10);
  return { items, generated_at: newer(live, loaded)?.generated_at ?? null };
}

/** The newer of two versions of the recommendations (a REST load may race a live event). */
export function newer(
  a: Recommendations | undefined,
  b: Recommendations | undefined,
): Recommendations | undefined {
  if (!a || !b) return a ?? b;
  return (a.generated_at ?? '') >= (b.generated_at ?? '') ? a : b;
}

export const emptyUser: UserView = { activity: [], runs: [], recommendations: undefined };

/** An event of a `user:{id}` topic, as the wire has it (some types are not in the SDK's map yet). */
export interface UserEvent {
  readonly id: string;
  readonly type: string;
  readonly ts: string;
  readonly data: unknown;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function recommendationsOf(value: unknown): Recommendation[] {
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => {
    const r = record(v);
    return {
      job_id: num(r.job_id) ?? 0,
      company: str(r.company),
      job_title: str(r.job_title),
      score: num(r.score) ?? 0,
    };
  });
}

const RECOMMENDATION_WORDS: Record<string, string> = {
  apply_now: 'apply now',
  consider: 'consider',
  skip: 'skip',
};

/** What one personal event says, in a line; undefined for events the dashboard does not list. */
export function describe(e: UserEvent): Activity | undefined {
  const d = record(e.data);
  const role = `${str(d.job_title)} at ${str(d.company)}`;
  const base = { id: e.id, type: e.type, ts: e.ts };
  switch (e.type) {
    case 'analysis.completed': {
      const score = num(d.match_score);
      const advice = RECOMMENDATION_WORDS[str(d.recommendation)] ?? str(d.recommendation);
      return {
        ...base,
        title: `Analysed: ${role}`,
        detail: `match ${score ?? '?'} / 100 · ${advice}`,
        ...(score === undefined ? {} : { score }),
      };
    }
    case 'recommendations.new':
    case 'recommendations.updated': {
      const list = recommendationsOf(d.top_recommendations);
      const names = list
        .slice(0, 3)
        .map((r) => `${r.job_title} at ${r.company} (${r.score})`)
        .join(', ');
      const title =
        e.type === 'recommendations.new' ? `${list.length} new recommendations` : 'Recommendations updated';
      return { ...base, title, detail: names };
    }
    case 'interview.reminder':
      return { ...base, title: `Interview in ${str(d.time_until) || 'a while'}`, detail: role };
    case 'followup.due':
      return { ...base, title: 'Follow-up due', detail: `${role} · ${str(d.followup_type)}` };
    case 'notification':
      return { ...base, title: `Notification: ${str(d.notification_type)}`, detail: str(d.message) };
    case 'application.created':
      return { ...base, title: 'Application sent', detail: role };
    case 'application.status_changed':
      return { ...base, title: `Application ${str(d.new_status)}`, detail: role };
    case 'interview.scheduled':
      return { ...base, title: 'Interview scheduled', detail: `${role} · ${str(d.scheduled_date)}` };
    default:
      return undefined;
  }
}

export function foldUser(view: UserView, e: UserEvent): UserView {
  if (e.type.startsWith('work.')) {
    const job = e.data as WorkJob;
    return job.kind === 'matching' ? { ...view, runs: putJobs(view.runs, [job]) } : view;
  }
  const line = describe(e);
  const activity = line ? [line, ...view.activity].slice(0, LOG_SHOWN) : view.activity;
  if (e.type === 'recommendations.new' || e.type === 'recommendations.updated') {
    const data = record(e.data);
    const listed = recommendationsOf(data.top_recommendations);
    const known = view.recommendations?.items ?? [];
    // `.updated` carries the whole list; `.new` only the new ones: put them among the known.
    const items =
      e.type === 'recommendations.updated'
        ? listed
        : [...listed, ...known.filter((r) => !listed.some((l) => l.job_id === r.job_id))]
            .sort((a, b) => b.score - a.score)
            .slice(0, 10);
    const partial = e.type === 'recommendations.new' && (view.recommendations?.partial ?? true);
    const generated_at = str(data.generated_at) || e.ts;
    return { ...view, activity, recommendations: { items, generated_at, partial } };
  }
  return line ? { ...view, activity } : view;
}
