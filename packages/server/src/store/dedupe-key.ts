/**
 * The `dedupe_key` column of `postings` (kept here, beside the schema, since a migration fills it too).
 *
 * One job's key across boards: its company, title and location, each lower-cased, accents, punctuation
 * and extra whitespace dropped ("ACME, Inc." and "Acme Inc" are one company; "Sr. Engineer – Remote"
 * and "sr engineer remote" one title).
 */
export function dedupeKey(company: string, title: string, location: string | null): string {
  return [company, title, location ?? ''].map(normalise).join('|');
}

function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
