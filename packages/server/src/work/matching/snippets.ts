/** Longest snippet, in characters: longer sentences are cut at word boundaries. */
export const MAX_SNIPPET_LENGTH = 300;
/** Most snippets taken from one text, so that a huge text cannot make a run unbounded. */
export const MAX_SNIPPETS = 1000;

// A bullet or list marker at the start of a line: -, *, •, ·, ▪, "1." or "1)".
const BULLET = /^(?:[-*•·▪‣◦]|\d{1,3}[.)])\s+/u;
// A sentence ends at . ! or ? followed by white space; "Node.js" and "3.5" stay whole.
const SENTENCE_END = /(?<=[.!?])\s+/u;
// A snippet must say something: at least one letter or digit.
const MEANINGFUL = /[\p{L}\p{N}]/u;

/**
 * Splits a text into snippets: one per line (bullet markers removed), each line split into sentences,
 * white space collapsed, pieces longer than `maxLength` cut at word boundaries. Empty pieces and repeats
 * (compared case-insensitively) are dropped; the order is the text's. Deterministic.
 *
 * @param maxLength longest snippet. @default MAX_SNIPPET_LENGTH (300)
 */
export function splitSnippets(text: string, maxLength = MAX_SNIPPET_LENGTH): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n|\r/u)) {
    const line = rawLine.trim().replace(BULLET, '');
    for (const sentence of line.split(SENTENCE_END)) {
      for (const piece of cut(sentence.replace(/\s+/gu, ' ').trim(), maxLength)) {
        const key = piece.toLowerCase();
        if (!MEANINGFUL.test(piece) || seen.has(key)) continue;
        seen.add(key);
        out.push(piece);
        if (out.length >= MAX_SNIPPETS) return out;
      }
    }
  }
  return out;
}

/** Cuts a piece into chunks of at most `maxLength` characters, at spaces where there are any. */
function cut(piece: string, maxLength: number): string[] {
  const chunks: string[] = [];
  let rest = piece;
  while (rest.length > maxLength) {
    const space = rest.lastIndexOf(' ', maxLength);
    // No space in reach (a very long token): cut hard rather than emit an over-long snippet.
    const at = space > 0 ? space : maxLength;
    chunks.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}
