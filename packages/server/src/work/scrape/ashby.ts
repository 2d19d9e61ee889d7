import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/** Ashby's public job board API: `GET https://api.ashbyhq.com/posting-api/job-board/{board}`. */
const Board = z.object({
  jobs: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      location: z.string().nullish(),
      isRemote: z.boolean().nullish(),
      isListed: z.boolean().nullish(),
      jobUrl: z.string().nullish(),
      descriptionPlain: z.string().nullish(),
      descriptionHtml: z.string().nullish(),
    }),
  ),
});

export function parseAshby(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Board.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not an Ashby job board: ${parsed.error.issues[0]?.message ?? ''}`);
  // An unlisted job is reachable by its link only: not on the board.
  return parsed.data.jobs
    .filter((job) => job.isListed !== false)
    .map((job) => {
      const description = job.descriptionPlain ?? htmlToText(job.descriptionHtml ?? '');
      return {
        source_id: job.id,
        company,
        job_title: job.title,
        job_description: description,
        job_url: job.jobUrl ?? null,
        location: job.location ?? (job.isRemote ? 'Remote' : null),
        skills_required: extractSkills(`${job.title}\n${description}`),
      };
    });
}
