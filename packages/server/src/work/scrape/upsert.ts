import { PostingInput, type Source } from '@jobstream/protocol';
import type { PostingService } from '../../domain/postings.js';
import { toPosting } from '../../domain/postings.js';
import type { Posting as PostingRow } from '../../store/schema.js';
import type { Tx } from '../../store/store.js';
import { dedupeKey } from '../../store/dedupe-key.js';
import type { ScrapedPosting } from './normalized.js';

/**
 * Successful scrapes in a row that must miss a listing before it counts as gone: a board that drops a
 * job for one poll (a cache, a paginated answer cut short) does not flap it off and on.
 */
const MISSES_TO_GO = 2;

export interface UpsertCounts {
  found: number;
  created: number;
  updated: number;
}

/**
 * Saves one successful scrape of `source` inside `tx`. A posting is found by the source's own id: its
 * first board's (`postings.source_id`) or a further board's (`posting_sources`). A job new to this
 * source but already found on another board (same company, title and location, normalised) is that
 * posting, with this source added to its `sources`. A listing missed by two scrapes in a row is gone:
 * the posting leaves `sources` if another board still lists it, else it is deactivated; a listing
 * found again is back (active again, in `sources` again).
 */
export async function upsertScraped(
  tx: Tx,
  postings: PostingService,
  source: Source,
  scraped: readonly ScrapedPosting[],
  errors: string[],
): Promise<UpsertCounts> {
  const name = source.name;
  const primaries = await tx.db.selectFrom('postings').selectAll().where('source', '=', name).execute();
  const byPrimaryId = new Map(primaries.map((row) => [row.source_id, row]));
  const listings = await tx.db.selectFrom('posting_sources').selectAll().where('source', '=', name).execute();
  const byListingId = new Map(listings.map((row) => [row.source_id, row]));
  const seen = new Set<string>();
  const counts = { found: 0, created: 0, updated: 0 };
  const changed = async (row: PostingRow, patch: Parameters<PostingService['apply']>[2]) => {
    const after = await postings.apply(tx, row, patch);
    if (after.updated_at !== row.updated_at) counts.updated++;
  };
  for (const item of scraped) {
    if (seen.has(item.source_id)) continue;
    seen.add(item.source_id);
    const parsed = PostingInput.safeParse({
      company: item.company,
      job_title: item.job_title,
      job_description: item.job_description.slice(0, 50_000),
      job_url: item.job_url,
      location: item.location,
      source: name,
      skills_required: item.skills_required,
      is_active: true,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push(`posting ${item.source_id}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
      continue;
    }
    const primary = byPrimaryId.get(item.source_id);
    if (primary) {
      if (Number(primary.missed_scrapes) !== 0) await setMisses(tx, primary.id, 0);
      // Found again: active again and on its first board again, with whatever else changed.
      await changed(primary, { ...parsed.data, sources: withSource(primary, name) });
      continue;
    }
    const listing = byListingId.get(item.source_id);
    const other = listing
      ? await postingById(tx, listing.posting_id)
      : await tx.db
          .selectFrom('postings')
          .selectAll()
          .where('dedupe_key', '=', dedupeKey(item.company, item.job_title, item.location))
          .where('source', '!=', name)
          .orderBy('is_active', 'desc')
          .orderBy('id')
          .executeTakeFirst();
    if (!other) {
      await postings.insert(tx, parsed.data, null, item.source_id);
      counts.created++;
      continue;
    }
    if (listing) {
      if (Number(listing.missed_scrapes) !== 0) await setListingMisses(tx, name, item.source_id, 0);
    } else {
      await tx.db
        .insertInto('posting_sources')
        .values({ source: name, source_id: item.source_id, posting_id: other.id })
        .execute();
    }
    // Another board's job: its content is that board's; this one adds itself and keeps it active.
    await changed(other, { is_active: true, sources: withSource(other, name) });
  }
  for (const row of primaries) {
    if (row.source_id === null || seen.has(row.source_id) || Number(row.is_active) !== 1) continue;
    const misses = Number(row.missed_scrapes) + 1;
    await setMisses(tx, row.id, misses);
    if (misses >= MISSES_TO_GO) await gone(tx, row, name, changed);
  }
  for (const listing of listings) {
    if (seen.has(listing.source_id)) continue;
    const misses = Number(listing.missed_scrapes) + 1;
    await setListingMisses(tx, name, listing.source_id, misses);
    const row = await postingById(tx, listing.posting_id);
    if (misses >= MISSES_TO_GO && row && Number(row.is_active) === 1) await gone(tx, row, name, changed);
  }
  counts.found = seen.size;
  return counts;
}

/** `source` no longer lists the posting: it leaves `sources`, and is deactivated if no board is left. */
async function gone(
  tx: Tx,
  row: PostingRow,
  name: string,
  changed: (row: PostingRow, patch: { is_active?: boolean; sources?: string[] }) => Promise<void>,
): Promise<void> {
  const live = await tx.db
    .selectFrom('posting_sources')
    .select(['source', 'missed_scrapes'])
    .where('posting_id', '=', row.id)
    .execute();
  const primaryLive = row.source !== name && Number(row.missed_scrapes) < MISSES_TO_GO;
  const othersLive = live.some((l) => l.source !== name && Number(l.missed_scrapes) < MISSES_TO_GO);
  const left = toPosting(row).sources.filter((s) => s !== name);
  if (primaryLive || othersLive) await changed(row, { sources: left });
  else await changed(row, { is_active: false });
}

function withSource(row: PostingRow, name: string): string[] {
  const sources = toPosting(row).sources;
  return sources.includes(name) ? sources : [...sources, name];
}

function postingById(tx: Tx, id: number): Promise<PostingRow | undefined> {
  return tx.db.selectFrom('postings').selectAll().where('id', '=', id).executeTakeFirst();
}

async function setMisses(tx: Tx, id: number, misses: number): Promise<void> {
  await tx.db.updateTable('postings').set({ missed_scrapes: misses }).where('id', '=', id).execute();
}

async function setListingMisses(tx: Tx, source: string, sourceId: string, misses: number): Promise<void> {
  await tx.db
    .updateTable('posting_sources')
    .set({ missed_scrapes: misses })
    .where('source', '=', source)
    .where('source_id', '=', sourceId)
    .execute();
}

/** How many postings `source` lists now (what an unchanged board, a 304, still has). */
export async function listedCount(tx: Tx, source: string): Promise<number> {
  const [first, further] = await Promise.all([
    tx.db
      .selectFrom('postings')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('source', '=', source)
      .where('source_id', 'is not', null)
      .where('missed_scrapes', '=', 0)
      .where('is_active', '=', 1)
      .executeTakeFirstOrThrow(),
    tx.db
      .selectFrom('posting_sources')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('source', '=', source)
      .where('missed_scrapes', '=', 0)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(first.n) + Number(further.n);
}
