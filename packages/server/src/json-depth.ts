/**
 * Whether JSON text nests objects and arrays deeper than `limit` levels (`{}` is one level, `{"a":[]}`
 * two). Counted over the text in one loop, without parsing it and without recursion, so that a body
 * nested a hundred thousand deep costs one pass and can never exhaust the stack. Stops at the first
 * bracket past the limit. Exact for valid JSON; for anything else JSON.parse gives the answer.
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
