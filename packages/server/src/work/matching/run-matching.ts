import { randomUUID } from 'node:crypto';
import { HashedTfIdf } from './embedding.js';
import { eventFactory, type EventFactory } from './event-factory.js';
import type { Evaluator } from './evaluator.js';
import type { MatchingPublisher } from './publisher.js';
import { meanRating, rankCandidates } from './scoring.js';
import { hitRatio, indexSnippets, searchCriteria, type SearchResult } from './search.js';
import { splitSnippets } from './snippets.js';
import { type Criterion, type CriterionEvaluation } from '@jobstream/protocol';
import { resolveCriterion, type MatchResult, type MatchingInput, type MatchingTarget } from './types.js';

/** The stages reported through `onProgress`. */
export type MatchingPhase = 'criteria' | 'source_snippets' | 'targets' | 'persist';

/** What a run needs from its caller. */
export interface RunMatchingDeps {
  readonly evaluator: Evaluator;
  readonly publisher: MatchingPublisher;
  /** Aborting it ends the run with `status` failed, error_message "cancelled". */
  readonly signal: AbortSignal;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Told of each stage with the percent done (0–100); awaited. @default none */
  readonly onProgress?: (phase: MatchingPhase, percent: number) => void | Promise<void>;
  /**
   * Commits the ranked matches; each `match.persisted` event is published only after it resolves.
   * @default none (nothing is stored)
   */
  readonly persist?: (matches: readonly MatchResult[]) => Promise<void>;
  /** @default randomUUID */
  readonly newId?: () => string;
  /** Which attempt of the job this run is, from 1 (its status events say so). @default 1 */
  readonly attempt?: number;
}

/** What a run resolves with: the matches, rank 1 first. */
export interface MatchingOutcome {
  readonly matches: readonly MatchResult[];
}

/** error_message of a run ended by its signal. */
export const CANCELLED_MESSAGE = 'cancelled';

/**
 * Runs one matching job and publishes its events in the documented order: `status` running,
 * `criteria`, `source_snippets`, then per target `target.search`, `target.evaluation` and
 * `target.candidate`, then one `match.persisted` per match by rank, then `status` complete. The caller
 * publishes `status` queued beforehand. On any error (a cancel included) the last event is `status`
 * failed with the error's message and the error is rethrown.
 */
export async function runMatching(
  jobId: string,
  input: MatchingInput,
  deps: RunMatchingDeps,
): Promise<MatchingOutcome> {
  const events = eventFactory(jobId, deps.now, deps.attempt);
  const { signal, publisher } = deps;
  try {
    signal.throwIfAborted();
    await publisher.publish(events.status('running'));
    const outcome = await stages(input, deps, events);
    signal.throwIfAborted();
    await publisher.publish(events.status('complete'));
    return outcome;
  } catch (error) {
    const message = signal.aborted ? CANCELLED_MESSAGE : messageOf(error);
    try {
      await publisher.publish(events.status('failed', message));
    } catch {
      // The publisher is failing too; the run's own error is the one worth rethrowing.
    }
    throw error;
  }
}

async function stages(input: MatchingInput, deps: RunMatchingDeps, events: EventFactory) {
  const { signal, publisher } = deps;
  const step = async (phase: MatchingPhase, percent: number) => {
    signal.throwIfAborted();
    await deps.onProgress?.(phase, percent);
  };

  await step('criteria', 0);
  const criteria = input.criteria.map(resolveCriterion);
  await publisher.publish(events.criteria(criteria));

  await step('source_snippets', 5);
  const sourceSnippets = splitSnippets(input.source.text);
  const targetSnippets = input.targets.map((t) => splitSnippets(t.text));
  // One idf over every snippet of the run, so that similarities compare across targets.
  const embedder = new HashedTfIdf([...sourceSnippets, ...targetSnippets.flat()]);
  const source = searchCriteria(
    embedder,
    indexSnippets(embedder, sourceSnippets),
    criteria,
    (c) => c.source_snippet_limit,
  );
  await publisher.publish(events.sourceSnippets(source));

  const candidates: Omit<MatchResult, 'match_id' | 'rank'>[] = [];
  for (const [i, target] of input.targets.entries()) {
    await step('targets', 10 + Math.round((80 * i) / input.targets.length));
    const found = searchCriteria(
      embedder,
      indexSnippets(embedder, targetSnippets[i]!),
      criteria,
      (c) => c.target_snippet_limit,
    );
    await publisher.publish(events.targetSearch(target, found));
    const evaluations = await evaluateTarget(deps, target, criteria, source, found);
    const figures = {
      target_id: target.id,
      target_name: target.name,
      score: meanRating(evaluations),
      search_hit_ratio: hitRatio(found),
    };
    signal.throwIfAborted();
    await publisher.publish(events.targetEvaluation(figures, evaluations));
    const summary = evaluations.map((e) => e.reason).join('\n');
    await publisher.publish(events.targetCandidate(figures, summary));
    candidates.push({ ...figures, summary_reason: summary });
  }

  await step('persist', 90);
  const newId = deps.newId ?? randomUUID;
  const matches: MatchResult[] = rankCandidates(candidates).map((c, i) => ({
    match_id: newId(),
    target_id: c.target_id,
    target_name: c.target_name,
    rank: i + 1,
    score: c.score,
    search_hit_ratio: c.search_hit_ratio,
    summary_reason: c.summary_reason,
  }));
  await deps.persist?.(matches);
  for (const match of matches) {
    signal.throwIfAborted();
    await publisher.publish(events.matchPersisted(match));
  }
  await step('persist', 100);
  return { matches };
}

/** Evaluates every criterion for one target, one at a time (an LLM API's rate limit is per key). */
async function evaluateTarget(
  deps: RunMatchingDeps,
  target: MatchingTarget,
  criteria: readonly Criterion[],
  source: SearchResult,
  found: SearchResult,
): Promise<CriterionEvaluation[]> {
  const out: CriterionEvaluation[] = [];
  for (const criterion of criteria) {
    deps.signal.throwIfAborted();
    const texts = (r: SearchResult) => (r.snippets.get(criterion.id) ?? []).map((h) => h.text);
    const { rating, reason } = await deps.evaluator.evaluate(
      {
        criterion,
        sourceSnippets: texts(source),
        targetSnippets: texts(found),
        target: { id: target.id, name: target.name },
      },
      deps.signal,
    );
    out.push({ criterion_id: criterion.id, criterion_label: criterion.label, rating, reason });
  }
  return out;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim() || 'matching failed';
}
