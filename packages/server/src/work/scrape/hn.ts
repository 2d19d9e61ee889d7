import { z } from 'zod';
import { extractSkills, htmlToText, SourceError, type ScrapedPosting } from './normalized.js';

/**
 * A Hacker News "Ask HN: Who is hiring?" thread through the Algolia API: the thread itself,
 * `GET https://hn.algolia.com/api/v1/items/{story}` (its top-level `children` are the postings), or a
 * search of its comments, `GET .../search_by_date?tags=comment,story_{story}` (`hits`, top-level ones
 * being those whose parent is the story). One top-level comment is one posting; its first line says
 * "Company | Role | Location | ...".
 */
const Comment = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  objectID: z.string().optional(),
  text: z.string().nullish(),
  comment_text: z.string().nullish(),
  parent_id: z.number().nullish(),
  story_id: z.number().nullish(),
});
const Thread = z.union([
  z.object({ id: z.number(), children: z.array(Comment) }),
  z.object({ hits: z.array(Comment) }),
]);

export function parseHnThread(body: unknown, company: string): ScrapedPosting[] {
  const parsed = Thread.safeParse(body);
  if (!parsed.success)
    throw new SourceError(`not a Hacker News thread from Algolia: ${parsed.error.issues[0]?.message ?? ''}`);
  const comments =
    'children' in parsed.data
      ? parsed.data.children
      : parsed.data.hits.filter((hit) => hit.parent_id == null || hit.parent_id === hit.story_id);
  return comments.flatMap((comment) => {
    const id = comment.id ?? comment.objectID;
    const html = comment.text ?? comment.comment_text;
    // A deleted or flagged comment has no text.
    if (id === undefined || !html) return [];
    const text = htmlToText(html);
    const [first = '', ...rest] = text.split('\n');
    const fields = first.split('|').map((field) => field.trim());
    if (fields.length < 2 || !fields[0] || !fields[1]) return [];
    const [named, role, location] = fields as [string, string, string | undefined];
    return [
      {
        source_id: String(id),
        company: named.slice(0, 200) || company,
        job_title: role.slice(0, 200),
        job_description: [first, ...rest].join('\n'),
        job_url: `https://news.ycombinator.com/item?id=${String(id)}`,
        location: location ? location.slice(0, 200) : null,
        skills_required: extractSkills(text),
      },
    ];
  });
}
