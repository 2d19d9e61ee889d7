// A matching run or a scrape as its `work:{id}` events tell it: pure folds, as in state.ts.
import type { WorkJob } from '@jobstream/protocol';

export interface TargetView {
  readonly target_id: string;
  readonly target_name: string;
  readonly total_hits?: number;
  readonly hits?: readonly { criterion_id: string; hit_count: number }[];
  readonly average_score?: number;
  readonly evaluations?: readonly {
    criterion_id: string;
    criterion_label: string;
    rating: unknown;
    reason: string;
  }[];
  readonly candidate?: { score: number; search_hit_ratio: number; summary_reason: string };
  readonly rank?: number;
}

export interface RunView {
  readonly job: WorkJob | undefined;
  readonly criteria: readonly { id: string; label: string }[];
  readonly snippets: readonly { criterion_id: string; snippet_count: number }[];
  readonly targets: readonly TargetView[];
  readonly scrape?: {
    readonly source: string;
    readonly jobs_found?: number;
    readonly new_jobs?: number;
    readonly updated_jobs?: number;
    readonly errors?: number;
    readonly error_messages?: readonly string[];
  };
}

export const emptyRun: RunView = { job: undefined, criteria: [], snippets: [], targets: [] };

type Data = Record<string, unknown>;

function putTarget(view: RunView, id: string, name: string, change: Partial<TargetView>): RunView {
  const known = view.targets.find((t) => t.target_id === id);
  const next = { ...(known ?? { target_id: id, target_name: name }), ...change };
  return { ...view, targets: [...view.targets.filter((t) => t.target_id !== id), next] };
}

export function foldRun(view: RunView, e: { type: string; data: unknown }): RunView {
  const d = (e.data ?? {}) as Data;
  switch (e.type) {
    case 'matching.job.criteria':
      return { ...view, criteria: (d.criteria as RunView['criteria']) ?? [] };
    case 'matching.job.source_snippets':
      return { ...view, snippets: (d.snippets as RunView['snippets']) ?? [] };
    case 'matching.job.target.search': {
      const t = d.target as {
        target_id: string;
        target_name: string;
        total_hits: number;
        hits: TargetView['hits'];
      };
      return putTarget(view, t.target_id, t.target_name, { total_hits: t.total_hits, hits: t.hits ?? [] });
    }
    case 'matching.job.target.evaluation':
      return putTarget(view, String(d.target_id), String(d.target_name), {
        average_score: d.average_score as number,
        evaluations: (d.evaluations as TargetView['evaluations']) ?? [],
      });
    case 'matching.job.target.candidate':
      return putTarget(view, String(d.target_id), String(d.target_name), {
        candidate: {
          score: d.score as number,
          search_hit_ratio: d.search_hit_ratio as number,
          summary_reason: typeof d.summary_reason === 'string' ? d.summary_reason : '',
        },
      });
    case 'matching.job.match.persisted':
      return putTarget(view, String(d.target_id), String(d.target_name), { rank: d.rank as number });
    case 'scrape.started':
      return { ...view, scrape: { source: String(d.source) } };
    case 'scrape.completed':
      return { ...view, scrape: d as unknown as RunView['scrape'] };
    default:
      return e.type.startsWith('work.') ? { ...view, job: e.data as WorkJob } : view;
  }
}

/** Candidates best first: by persisted rank once there is one, else by score as they arrive. */
export function ranked(targets: readonly TargetView[]): readonly TargetView[] {
  return [...targets].sort(
    (a, b) =>
      (a.rank ?? Infinity) - (b.rank ?? Infinity) ||
      (b.candidate?.score ?? -1) - (a.candidate?.score ?? -1) ||
      a.target_name.localeCompare(b.target_name),
  );
}
