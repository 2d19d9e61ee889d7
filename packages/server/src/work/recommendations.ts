import { topics, type Recommendation, type RecommendationsData } from '@jobstream/protocol';
import { signedIn } from '../domain/access.js';
import { toPosting } from '../domain/postings.js';
import { toProfile } from '../domain/profiles.js';
import type { Principal } from '../auth/principal.js';
import type { Store } from '../store/store.js';
import { analyze, fits } from './analysis/score.js';
import type { Pipeline } from './work-job.js';
import type { WorkService } from './work-service.js';

/** What a recommendations job is asked to do. */
interface RecommendationsPayload {
  readonly user_id: string;
}

export interface RecommendationsOptions {
  /** Recommendations kept per seeker. @default 10 */
  readonly size?: number;
  /** Lowest match_score worth recommending. @default 40 */
  readonly minScore?: number;
  /** Postings changed within this long are folded into one refresh of every seeker. @default 1000 */
  readonly debounceMs?: number;
}

/** Newest active postings a refresh looks at. */
const CANDIDATES = 2000;

/**
 * Each job seeker's best active postings, scored like analyses and kept in the store, refreshed as
 * background work whenever postings or the seeker's profile change. A refresh that finds postings the
 * seeker was not recommended before sends `recommendations.new` (count = how many are new, the new ones
 * best first); one that only reorders, rescores or drops them sends `recommendations.updated` (the
 * whole list); one that changes nothing sends nothing.
 */
export class Recommendations {
  readonly #store: Store;
  readonly #work: WorkService;
  readonly #size: number;
  readonly #minScore: number;
  readonly #debounceMs: number;
  #pending: NodeJS.Timeout | undefined;

  constructor(store: Store, work: WorkService, options: RecommendationsOptions = {}) {
    this.#store = store;
    this.#work = work;
    this.#size = options.size ?? 10;
    this.#minScore = options.minScore ?? 40;
    this.#debounceMs = options.debounceMs ?? 1000;
  }

  /** `GET /api/v1/recommendations`: the caller's current recommendations, best first. */
  async list(actor: Principal): Promise<{ items: Recommendation[]; generated_at: string | null }> {
    const user = signedIn(actor);
    const rows = await this.#store.db
      .selectFrom('recommendations')
      .innerJoin('postings', 'postings.id', 'recommendations.posting_id')
      .select(['posting_id', 'company', 'job_title', 'score', 'generated_at'])
      .where('user_id', '=', user.userId)
      .orderBy('rank')
      .execute();
    return {
      items: rows.map((r) => ({
        job_id: Number(r.posting_id),
        company: r.company,
        job_title: r.job_title,
        score: Number(r.score),
      })),
      generated_at: rows[0]?.generated_at ?? null,
    };
  }

  /** Queues a refresh for one seeker, unless one is already waiting to run. */
  async refresh(userId: string): Promise<void> {
    if (await this.#work.hasQueued('recommendations', userId)) return;
    await this.#work.create('recommendations', { user_id: userId }, userId, { maxRetries: 1 });
  }

  /** Postings changed: every seeker with a profile is refreshed once the burst (a scrape, say) is over. */
  postingsChanged(onError: (error: unknown) => void): void {
    if (this.#pending) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#refreshAll().catch(onError);
    }, this.#debounceMs);
    this.#pending.unref();
  }

  stop(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  async #refreshAll(): Promise<void> {
    const seekers = await this.#store.db
      .selectFrom('profiles')
      .innerJoin('users', 'users.id', 'profiles.user_id')
      .select('profiles.user_id')
      .where('users.role', '=', 'job_seeker')
      .execute();
    for (const { user_id } of seekers) await this.refresh(user_id);
  }

  readonly pipeline: Pipeline = async (job, ctx) => {
    const { user_id } = job.payload as RecommendationsPayload;
    const profileRow = await this.#store.db
      .selectFrom('profiles')
      .selectAll()
      .where('user_id', '=', user_id)
      .executeTakeFirst();
    await ctx.progress('scoring', 30);
    const ranked: Recommendation[] = [];
    if (profileRow) {
      const profile = toProfile(profileRow);
      const rows = await this.#store.db
        .selectFrom('postings')
        .selectAll()
        .where('is_active', '=', 1)
        .orderBy('id', 'desc')
        .limit(CANDIDATES)
        .execute();
      for (const posting of rows.map(toPosting)) {
        if (!fits(posting, profile)) continue;
        const score = analyze(posting, profile).match_score;
        if (score < this.#minScore) continue;
        ranked.push({ job_id: posting.id, company: posting.company, job_title: posting.job_title, score });
      }
      ranked.sort((a, b) => b.score - a.score || b.job_id - a.job_id);
      ranked.splice(this.#size);
    }
    ctx.signal.throwIfAborted();
    const generatedAt = new Date().toISOString();
    return this.#store.transaction(async (tx) => {
      const before = await tx.db
        .selectFrom('recommendations')
        .select(['posting_id', 'score', 'rank'])
        .where('user_id', '=', user_id)
        .orderBy('rank')
        .execute();
      const previous = new Map(before.map((r) => [Number(r.posting_id), r]));
      const fresh = ranked.filter((r) => !previous.has(r.job_id));
      const same =
        before.length === ranked.length &&
        ranked.every((r, i) => {
          const old = previous.get(r.job_id);
          return old !== undefined && Number(old.rank) === i + 1 && Number(old.score) === r.score;
        });
      if (same) return { count: ranked.length, new: 0, changed: false };
      await tx.db.deleteFrom('recommendations').where('user_id', '=', user_id).execute();
      if (ranked.length > 0) {
        await tx.db
          .insertInto('recommendations')
          .values(
            ranked.map((r, i) => ({
              user_id,
              posting_id: r.job_id,
              score: r.score,
              rank: i + 1,
              generated_at: generatedAt,
            })),
          )
          .execute();
      }
      const [type, listed] =
        fresh.length > 0
          ? (['recommendations.new', fresh] as const)
          : (['recommendations.updated', ranked] as const);
      await tx.emit({
        topic: topics.user(user_id),
        type,
        data: {
          user_id,
          count: listed.length,
          top_recommendations: [...listed],
          generated_at: generatedAt,
        } satisfies RecommendationsData,
      });
      return { count: ranked.length, new: fresh.length, changed: true };
    });
  };
}
