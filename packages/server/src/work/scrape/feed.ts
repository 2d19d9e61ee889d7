import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/**
 * A generic feed: JSON (an array of postings, or `{jobs: [...]}`, with the fields Jobstream itself
 * uses or common aliases) or RSS 2.0 (`<item>` with title, link, guid, description).
 */
const JsonItem = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  guid: z.union([z.string(), z.number()]).nullish(),
  title: z.string().nullish(),
  job_title: z.string().nullish(),
  company: z.string().nullish(),
  description: z.string().nullish(),
  job_description: z.string().nullish(),
  url: z.string().nullish(),
  job_url: z.string().nullish(),
  link: z.string().nullish(),
  location: z.string().nullish(),
  skills: z.array(z.string()).nullish(),
  skills_required: z.array(z.string()).nullish(),
});
const JsonFeed = z.union([z.array(JsonItem), z.object({ jobs: z.array(JsonItem) })]);

export function parseJsonFeed(body: unknown, company: string): ScrapedPosting[] {
  const parsed = JsonFeed.safeParse(body);
  if (!parsed.success) throw new SourceError('not a JSON feed of postings (an array, or {jobs: [...]})');
  const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.jobs;
  return items.flatMap((item) => {
    const title = item.job_title ?? item.title;
    const url = item.job_url ?? item.url ?? item.link ?? null;
    const id = item.id ?? item.guid ?? url;
    if (!title || id === null || id === undefined) return [];
    const description = htmlToText(item.job_description ?? item.description ?? '');
    return [
      {
        source_id: String(id),
        company: item.company ?? company,
        job_title: title,
        job_description: description,
        job_url: url,
        location: item.location ?? null,
        skills_required: item.skills_required ?? item.skills ?? extractSkills(`${title}\n${description}`),
      },
    ];
  });
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const RssItem = z.object({
  title: z.string().optional(),
  link: z.string().optional(),
  guid: z.union([z.string(), z.object({ '#text': z.string() })]).optional(),
  description: z.string().optional(),
  category: z.union([z.string(), z.array(z.string())]).optional(),
});

/** The items of an RSS 2.0 document, as parsed XML; a SourceError when it is not one. */
export function rssItems(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = xml.parse(text, true);
  } catch (error) {
    throw new SourceError(`not valid XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const channel = (doc as { rss?: { channel?: { item?: unknown } } }).rss?.channel;
  if (!channel) throw new SourceError('not an RSS 2.0 feed (no rss/channel)');
  return channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item];
}

/** An RSS item's own id: its guid, else its link. */
export function rssItemId(item: { guid?: string | { '#text': string }; link?: string }): string | undefined {
  return (typeof item.guid === 'object' ? item.guid['#text'] : item.guid) ?? item.link;
}

export function parseRss(text: string, company: string): ScrapedPosting[] {
  return rssItems(text).flatMap((entry) => {
    const item = RssItem.safeParse(entry);
    if (!item.success || !item.data.title) return [];
    const id = rssItemId(item.data);
    if (!id) return [];
    const description = htmlToText(item.data.description ?? '');
    return [
      {
        source_id: id,
        company,
        job_title: item.data.title,
        job_description: description,
        job_url: item.data.link ?? null,
        location: null,
        skills_required: extractSkills(`${item.data.title}\n${description}`),
      },
    ];
  });
}
