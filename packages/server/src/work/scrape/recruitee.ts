import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/** Recruitee's public careers site API: `GET https://{company}.recruitee.com/api/offers/`. */
const Offers = z.object({
  offers: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      title: z.string(),
      status: z.string().nullish(),
      company_name: z.string().nullish(),
      description: z.string().nullish(),
      requirements: z.string().nullish(),
      location: z.string().nullish(),
      remote: z.boolean().nullish(),
      careers_url: z.string().nullish(),
    }),
  ),
});

export function parseRecruitee(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Offers.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a Recruitee offers list: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.offers
    .filter((offer) => offer.status == null || offer.status === 'published')
    .map((offer) => {
      const description = htmlToText(`${offer.description ?? ''}${offer.requirements ?? ''}`);
      return {
        source_id: String(offer.id),
        company: offer.company_name ?? company,
        job_title: offer.title,
        job_description: description,
        job_url: offer.careers_url ?? null,
        location: offer.location || (offer.remote ? 'Remote' : null),
        skills_required: extractSkills(`${offer.title}\n${description}`),
      };
    });
}
