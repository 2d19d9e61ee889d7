/**
 * Analysis of one posting for one job seeker's profile: pure, deterministic, no network.
 *
 * match_score (0–100) = 100 × (0.6 × skill overlap + 0.2 × title similarity + 0.1 × text similarity
 * + 0.1 × location fit), where skill overlap is the share of the posting's required skills the seeker
 * has (text similarity stands in when a posting lists none), title similarity is the best word overlap
 * (Jaccard) between the posting's title and a desired title, text similarity is the share of the
 * seeker's skills that the description mentions, and location fit is 1 for a match (or a remote
 * posting for a seeker who wants remote), 0.5 when either side is open, else 0.
 */

export interface PostingForAnalysis {
  readonly job_title: string;
  readonly job_description: string;
  readonly skills_required: readonly string[];
  readonly location: string | null;
}

export interface ProfileForAnalysis {
  readonly skills: readonly string[];
  readonly desired_titles: readonly string[];
  readonly locations: readonly string[];
  readonly remote_preference: 'remote' | 'hybrid' | 'onsite' | 'any';
}

export type Importance = 'high' | 'medium' | 'low';
export type Recommendation = 'apply_now' | 'consider' | 'skip';

export interface AnalysisResult {
  /** 0–100, one decimal. */
  readonly match_score: number;
  readonly recommendation: Recommendation;
  readonly strengths: string[];
  readonly concerns: string[];
  readonly skill_gap: {
    /** 0–100: the share of required skills the seeker has. */
    readonly overall_match: number;
    readonly matching_skills: string[];
    readonly missing_skills: { skill: string; importance: Importance }[];
  };
}

const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9+#.]+/g, ' ')
    .trim();
const words = (s: string): Set<string> =>
  new Set(
    norm(s)
      .split(' ')
      .filter((w) => w.length > 1),
  );

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  return both / (a.size + b.size - both);
}

/** A required skill's importance: listed early, or named often in the description, matters more. */
function importanceOf(skill: string, index: number, count: number, description: string): Importance {
  const mentions = norm(description).split(norm(skill)).length - 1;
  if (index < Math.ceil(count / 3) || mentions >= 2) return 'high';
  if (index < Math.ceil((2 * count) / 3) || mentions === 1) return 'medium';
  return 'low';
}

function locationFit(posting: PostingForAnalysis, profile: ProfileForAnalysis): number {
  const where = norm(posting.location ?? '');
  const remote = /\bremote\b/.test(where);
  if (profile.remote_preference === 'remote') return remote ? 1 : 0;
  if (profile.remote_preference === 'onsite' && remote) return 0.5;
  if (profile.locations.length === 0 || where === '') return 0.5;
  return profile.locations.some((l) => where.includes(norm(l)) || norm(l).includes(where)) || remote ? 1 : 0;
}

export function analyze(posting: PostingForAnalysis, profile: ProfileForAnalysis): AnalysisResult {
  const have = new Set(profile.skills.map(norm));
  const required = posting.skills_required;
  const matching = required.filter((s) => have.has(norm(s)));
  const missing = required
    .map((skill, i) => ({ skill, i }))
    .filter(({ skill }) => !have.has(norm(skill)))
    .map(({ skill, i }) => ({
      skill,
      importance: importanceOf(skill, i, required.length, posting.job_description),
    }));
  const description = ` ${norm(`${posting.job_title} ${posting.job_description}`)} `;
  const mentioned = profile.skills.filter((s) => description.includes(` ${norm(s)} `));
  const textSimilarity = profile.skills.length === 0 ? 0 : mentioned.length / profile.skills.length;
  const skillOverlap = required.length === 0 ? textSimilarity : matching.length / required.length;
  const titleWords = words(posting.job_title);
  const titleSimilarity = Math.max(0, ...profile.desired_titles.map((t) => jaccard(words(t), titleWords)));
  const where = locationFit(posting, profile);
  const raw = 0.6 * skillOverlap + 0.2 * titleSimilarity + 0.1 * textSimilarity + 0.1 * where;
  const match_score = Math.round(raw * 1000) / 10;

  const strengths = matching.slice(0, 3).map((s) => `Strong ${s} match`);
  if (titleSimilarity >= 0.5) strengths.push('Job title matches what you are looking for');
  if (where === 1) strengths.push('Location preference aligns');
  const concerns = missing.filter((m) => m.importance === 'high').map((m) => `Requires ${m.skill}`);
  const years = /(\d+)\s*\+?\s*(?:years|yrs)/i.exec(posting.job_description);
  if (years) concerns.push(`Requires ${years[1]}+ years experience`);
  if (where === 0) concerns.push(`Location (${posting.location ?? 'unknown'}) does not fit your preferences`);

  return {
    match_score,
    recommendation: match_score >= 75 ? 'apply_now' : match_score >= 50 ? 'consider' : 'skip',
    strengths,
    concerns,
    skill_gap: {
      overall_match: Math.round(skillOverlap * 1000) / 10,
      matching_skills: matching,
      missing_skills: missing,
    },
  };
}

/** Whether a posting is worth analysing for a seeker at all: a shared skill or a title in common. */
export function fits(posting: PostingForAnalysis, profile: ProfileForAnalysis): boolean {
  const have = new Set(profile.skills.map(norm));
  if (posting.skills_required.some((s) => have.has(norm(s)))) return true;
  const titleWords = words(posting.job_title);
  return profile.desired_titles.some((t) => jaccard(words(t), titleWords) > 0);
}
