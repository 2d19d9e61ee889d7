import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/** Greenhouse's public job board API: `GET /v1/boards/{board}/jobs?content=true`. */
const Board = z.object({
  jobs: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      title: z.string(),
      absolute_url: z.string().nullish(),
      location: z.object({ name: z.string().nullish() }).nullish(),
      content: z.string().nullish(),
      company_name: z.string().nullish(),
    }),
  ),
});

export function parseGreenhouse(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Board.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a Greenhouse job board: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.jobs.map((job) => {
    const description = htmlToText(job.content ?? '');
    return {
      source_id: String(job.id),
      company: job.company_name ?? company,
      job_title: job.title,
      job_description: description,
      job_url: job.absolute_url ?? null,
      location: job.location?.name ?? null,
      skills_required: extractSkills(`${job.title}\n${description}`),
    };
  });
}
