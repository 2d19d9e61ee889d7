import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/** RemoteOK's JSON feed: `GET https://remoteok.com/api`, an array whose first element is a legal notice. */
const Job = z.object({
  id: z.union([z.string(), z.number()]),
  company: z.string().nullish(),
  position: z.string(),
  description: z.string().nullish(),
  location: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  url: z.string().nullish(),
  apply_url: z.string().nullish(),
});

export function parseRemoteOk(body: unknown, company: string): ScrapedPosting[] {
  if (!Array.isArray(body)) throw new SourceError('not a RemoteOK feed (an array)');
  // The notice (`{legal: ...}`) and anything else without a position are not jobs.
  return body.flatMap((entry) => {
    const job = Job.safeParse(entry);
    if (!job.success) return [];
    const { data } = job;
    const description = htmlToText(data.description ?? '');
    return [
      {
        source_id: String(data.id),
        company: data.company || company,
        job_title: data.position,
        job_description: description,
        job_url: data.url ?? data.apply_url ?? null,
        location: data.location || 'Remote',
        skills_required: extractSkills(`${data.position}\n${(data.tags ?? []).join('\n')}\n${description}`),
      },
    ];
  });
}
