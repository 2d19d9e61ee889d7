import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/** Lever's public postings API: `GET /v0/postings/{company}?mode=json`, an array of postings. */
const Postings = z.array(
  z.object({
    id: z.string(),
    text: z.string(),
    hostedUrl: z.string().nullish(),
    categories: z.object({ location: z.string().nullish() }).nullish(),
    descriptionPlain: z.string().nullish(),
    description: z.string().nullish(),
    lists: z.array(z.object({ text: z.string(), content: z.string() })).nullish(),
    additionalPlain: z.string().nullish(),
  }),
);

export function parseLever(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Postings.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a Lever postings list: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.map((posting) => {
    // A list's content is its <li> items alone.
    const lists = (posting.lists ?? [])
      .map((l) => `${l.text}\n${htmlToText(`<ul>${l.content}</ul>`)}`)
      .join('\n');
    const description = [
      posting.descriptionPlain ?? htmlToText(posting.description ?? ''),
      lists,
      posting.additionalPlain ?? '',
    ]
      .filter(Boolean)
      .join('\n')
      .trim();
    return {
      source_id: posting.id,
      company,
      job_title: posting.text,
      job_description: description,
      job_url: posting.hostedUrl ?? null,
      location: posting.categories?.location ?? null,
      skills_required: extractSkills(`${posting.text}\n${description}`),
    };
  });
}
