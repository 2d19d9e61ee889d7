import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/**
 * WeWorkRemotely's RSS feeds (`https://weworkremotely.com/categories/{category}.rss`, or
 * `/remote-jobs.rss`): each item's title is "Company: Job title", its `<region>` where one may work.
 */
const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const Item = z.object({
  title: z.string(),
  link: z.string().optional(),
  guid: z.union([z.string(), z.object({ '#text': z.string() })]).optional(),
  description: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
});

export function parseWeWorkRemotely(text: string, company: string): ScrapedPosting[] {
  let doc: unknown;
  try {
    doc = xml.parse(text, true);
  } catch (error) {
    throw new SourceError(`not valid XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const channel = (doc as { rss?: { channel?: { item?: unknown } } }).rss?.channel;
  if (!channel) throw new SourceError('not a WeWorkRemotely RSS feed (no rss/channel)');
  const raw = channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item];
  return raw.flatMap((entry) => {
    const item = Item.safeParse(entry);
    if (!item.success) return [];
    const guid = typeof item.data.guid === 'object' ? item.data.guid['#text'] : item.data.guid;
    const id = guid ?? item.data.link;
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
