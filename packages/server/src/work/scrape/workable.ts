import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/**
 * Workable's public jobs widget: `GET https://apply.workable.com/api/v1/widget/accounts/{subdomain}`
 * (`?details=true` adds each job's description).
 */
const Account = z.object({
  name: z.string().nullish(),
  jobs: z.array(
    z.object({
      shortcode: z.string(),
      title: z.string(),
      url: z.string().nullish(),
      shortlink: z.string().nullish(),
      telecommuting: z.boolean().nullish(),
      city: z.string().nullish(),
      state: z.string().nullish(),
      country: z.string().nullish(),
      description: z.string().nullish(),
    }),
  ),
});

export function parseWorkable(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Account.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a Workable account's jobs: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.jobs.map((job) => {
    const description = htmlToText(job.description ?? '');
    const place = [job.city, job.state, job.country].filter(Boolean).join(', ');
    return {
      source_id: job.shortcode,
      company: parsed.data.name ?? company,
      job_title: job.title,
      job_description: description,
      job_url: job.url ?? job.shortlink ?? null,
      location: place || (job.telecommuting ? 'Remote' : null),
      skills_required: extractSkills(`${job.title}\n${description}`),
    };
  });
}
