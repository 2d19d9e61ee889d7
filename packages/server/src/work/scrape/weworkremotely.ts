import { z } from 'zod';
import { rssItemId, rssItems } from './feed.js';
import { extractSkills, htmlToText, type ScrapedPosting } from './normalized.js';

/**
 * WeWorkRemotely's RSS feeds (`https://weworkremotely.com/categories/{category}.rss`, or
 * `/remote-jobs.rss`): each item's title is "Company: Job title", its `<region>` where one may work.
 */
const Item = z.object({
  title: z.string(),
  link: z.string().optional(),
  guid: z.union([z.string(), z.object({ '#text': z.string() })]).optional(),
  description: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
});

export function parseWeWorkRemotely(text: string, company: string): ScrapedPosting[] {
  return rssItems(text).flatMap((entry) => {
    const item = Item.safeParse(entry);
    if (!item.success) return [];
    const id = rssItemId(item.data);
    if (!id) return [];
    const colon = item.data.title.indexOf(':');
    const named = colon > 0 ? item.data.title.slice(0, colon).trim() : '';
    const title = colon > 0 ? item.data.title.slice(colon + 1).trim() : item.data.title;
    const description = htmlToText(item.data.description ?? '');
    return [
      {
        source_id: id,
        company: named || company,
        job_title: title,
        job_description: description,
        job_url: item.data.link ?? null,
        location: item.data.region ?? item.data.country ?? 'Remote',
        skills_required: extractSkills(`${title}\n${description}`),
      },
    ];
  });
}
