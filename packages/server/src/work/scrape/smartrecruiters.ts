import { z } from 'zod';
import { extractSkills, SourceError, type ScrapedPosting } from './normalized.js';

/** SmartRecruiters' public Posting API: `GET https://api.smartrecruiters.com/v1/companies/{id}/postings`. */
const Page = z.object({
  content: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      company: z.object({ identifier: z.string().nullish(), name: z.string().nullish() }).nullish(),
      location: z
        .object({
          city: z.string().nullish(),
          region: z.string().nullish(),
          country: z.string().nullish(),
          remote: z.boolean().nullish(),
          fullLocation: z.string().nullish(),
        })
        .nullish(),
      department: z.object({ label: z.string().nullish() }).nullish(),
      typeOfEmployment: z.object({ label: z.string().nullish() }).nullish(),
    }),
  ),
});

export function parseSmartRecruiters(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Page.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a SmartRecruiters postings page: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.content.map((posting) => {
    const where = posting.location;
    const place =
      where?.fullLocation ?? [where?.city, where?.region, where?.country].filter(Boolean).join(', ');
    // The list has no description: its department and type say what it can.
    const description = [posting.department?.label, posting.typeOfEmployment?.label]
      .filter(Boolean)
      .join('\n');
    const identifier = posting.company?.identifier;
    return {
      source_id: posting.id,
      company: posting.company?.name ?? company,
      job_title: posting.name,
      job_description: description,
      job_url: identifier ? `https://jobs.smartrecruiters.com/${identifier}/${posting.id}` : null,
      location: (place || null) ?? (where?.remote ? 'Remote' : null),
      skills_required: extractSkills(posting.name),
    };
  });
}
