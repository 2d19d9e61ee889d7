import { topics } from '@jobstream/protocol';
import { LOCAL_OWNER_ID } from '../../auth/local-owner.js';
import { requireRole } from '../../domain/access.js';
import type { PostingService } from '../../domain/postings.js';
import { toProfile } from '../../domain/profiles.js';
import type { Principal } from '../../auth/principal.js';
import type { Store } from '../../store/store.js';
import type { Pipeline } from '../work-job.js';
import type { WorkService } from '../work-service.js';
import { analyze, fits } from './score.js';

/** What an analysis job is asked to do. */
interface AnalysisPayload {
  readonly posting_id: number;
  readonly user_id: string;
}

/** Most seekers one new posting is analysed for at once. */
const MAX_SEEKERS_PER_POSTING = 500;

/**
 * Analyses of postings for job seekers, as background work: queued on request or when a posting is
 * created (for the seekers whose profiles fit), and run as a pipeline that tells the seeker over
 * `user:{id}`: `analysis.started`, then `analysis.completed` (score, recommendation, strengths,
 * concerns) and `skill_gap.completed`.
 */
export class Analyses {
  readonly #store: Store;
  readonly #work: WorkService;
  readonly #postings: PostingService;
  readonly #localOwner: (() => Promise<boolean>) | undefined;

  /** `localOwner`: whether the local owner is the user now; then every new posting is analysed for them. */
  constructor(
    store: Store,
    work: WorkService,
    postings: PostingService,
    localOwner?: () => Promise<boolean>,
  ) {
    this.#store = store;
    this.#work = work;
    this.#postings = postings;
    this.#localOwner = localOwner;
  }

  /** `POST /api/v1/jobs/{id}/analyze`: the caller's own analysis of a posting. */
  async request(actor: Principal, postingId: number): Promise<{ job_id: string }> {
    const seeker = requireRole(actor, 'job_seeker', 'admin');
    await this.#postings.get(postingId); // 404 for an unknown posting
    const job = await this.#work.create(
      'analysis',
      { posting_id: postingId, user_id: seeker.userId },
      seeker.userId,
    );
    return { job_id: job.id };
  }

  /** Queues an analysis for each seeker whose profile fits a newly created posting. */
  async forNewPosting(postingId: number): Promise<number> {
    const posting = await this.#postings.get(postingId);
    const profiles = await this.#store.db
      .selectFrom('profiles')
      .innerJoin('users', 'users.id', 'profiles.user_id')
      .selectAll('profiles')
      .where('users.role', '=', 'job_seeker')
      .limit(MAX_SEEKERS_PER_POSTING)
      .execute();
    const fitting = profiles
      .map(toProfile)
      .filter((profile) => fits(posting, profile))
      .map((profile) => profile.user_id);
    // The local owner is the only user of a personal server: every posting is analysed for them, as
    // the originals analysed every job they found, profile or not.
    if (!fitting.includes(LOCAL_OWNER_ID) && (await this.#localOwner?.())) fitting.push(LOCAL_OWNER_ID);
    for (const userId of fitting) {
      await this.#work.create('analysis', { posting_id: postingId, user_id: userId }, userId);
    }
    return fitting.length;
  }

  readonly pipeline: Pipeline = async (job, ctx) => {
    const { posting_id, user_id } = job.payload as AnalysisPayload;
    const posting = await this.#postings.get(posting_id);
    const row = await this.#store.db
      .selectFrom('profiles')
      .selectAll()
      .where('user_id', '=', user_id)
      .executeTakeFirst();
    const head = { job_id: posting.id, company: posting.company, job_title: posting.job_title, user_id };
    const topic = topics.user(user_id);
    await ctx.emit(topic, 'analysis.started', head);
    await ctx.progress('scoring', 50);
    const profile = row
      ? toProfile(row)
      : {
          user_id,
          skills: [],
          desired_titles: [],
          locations: [],
          remote_preference: 'any' as const,
          updated_at: null,
        };
    const result = analyze(posting, profile);
    const { skill_gap, ...analysis } = result;
    await ctx.emit(topic, 'analysis.completed', { ...head, ...analysis, skill_gap });
    await ctx.emit(topic, 'skill_gap.completed', {
      job_id: posting.id,
      user_id,
      overall_match: skill_gap.overall_match,
      matching_skills: skill_gap.matching_skills.length,
      missing_skills: skill_gap.missing_skills.length,
      matching_skills_list: skill_gap.matching_skills,
      missing_skills_list: skill_gap.missing_skills,
    });
    return result;
  };
}
