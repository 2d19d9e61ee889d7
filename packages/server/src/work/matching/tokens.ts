/**
 * Common English words that carry no meaning for matching; they are dropped before hashing so that
 * "the" or "with" never makes two passages look alike.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again all also am an and any are as at be been being below between both but by ' +
    'can could did do does doing down during each etc few for from further had has have having he her ' +
    'here hers him his how i if in into is it its itself just me more most my no nor not of off on once ' +
    'only or other our ours out over own same she should so some such than that the their theirs them ' +
    'then there these they this those through to too under until up us very was we were what when where ' +
    'which while who whom why will with would you your yours'
  ).split(' '),
);

// A word: letters and digits, keeping "c++", "c#" and dotted names such as "node.js" whole.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}+#]*(?:\.[\p{L}\p{N}]+)*/gu;

const PLAIN = /^\p{L}+$/u;

/**
 * A light suffix stripper (not Porter): plural "s"/"ies", then "ing"/"ed", then a final "e", each only
 * when at least three characters remain, so that "designs", "designed" and "designing" meet at "design"
 * and "manage", "managed" and "managing" at "manag".
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  // Not after s, u or i: "class", "status" and "analysis" are not plurals.
  else if (w.length > 3 && w.endsWith('s') && !/[siu]s$/u.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** The words of a text: lower-cased, stop words dropped, stemmed; in order, repeats kept. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (STOP_WORDS.has(word)) continue;
    // Only plain words are stemmed: "node.js", "c#" and "s3" are names, not inflections.
    out.push(PLAIN.test(word) ? stem(word) : word);
  }
  return out;
}
