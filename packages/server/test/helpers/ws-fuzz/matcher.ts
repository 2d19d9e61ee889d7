import type { Expect } from './messages.js';

/**
 * Whether the answers a batch received can be paired with its inputs: one answer to each input that
 * expects one, of a kind that input allows, and none left over. Answers may come out of order (a
 * native subscribe waits for the hub while a ping is answered at once), so this is a bipartite
 * matching, solved as a small flow: inputs grouped by what they allow, answers counted by kind.
 * Returns null when they pair, else what is wrong.
 */
export function unmatched(expects: readonly Expect[], answers: readonly string[]): string | null {
  const groups = new Map<string, { kinds: readonly string[]; count: number }>();
  for (const expect of expects) {
    if (expect.length === 0) continue;
    const key = [...expect].sort().join('|');
    const group = groups.get(key) ?? { kinds: expect, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  const counts = new Map<string, number>();
  for (const kind of answers) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const wanted = [...groups.values()].reduce((sum, g) => sum + g.count, 0);
  if (wanted !== answers.length) return `${wanted} answers expected, ${answers.length} received`;

  // Nodes: 0 source, 1..G groups, then kinds, then the sink.
  const g = [...groups.values()];
  const kinds = [...counts.keys()];
  const size = 2 + g.length + kinds.length;
  const sink = size - 1;
  const cap = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  g.forEach((group, i) => {
    (cap[0] as number[])[1 + i] = group.count;
    for (const kind of group.kinds) {
      const k = kinds.indexOf(kind);
      if (k >= 0) (cap[1 + i] as number[])[1 + g.length + k] = Infinity;
    }
  });
  kinds.forEach((kind, k) => ((cap[1 + g.length + k] as number[])[sink] = counts.get(kind) ?? 0));
  let flow = 0;
  for (;;) {
    const parent = new Array<number>(size).fill(-1);
    parent[0] = 0;
    const queue = [0];
    while (queue.length > 0 && parent[sink] === -1) {
      const u = queue.shift() as number;
      for (let v = 0; v < size; v++) {
        if (parent[v] === -1 && ((cap[u] as number[])[v] as number) > 0) {
          parent[v] = u;
          queue.push(v);
        }
      }
    }
    if (parent[sink] === -1) break;
    let push = Infinity;
    for (let v = sink; v !== 0; v = parent[v] as number)
      push = Math.min(push, (cap[parent[v] as number] as number[])[v] as number);
    for (let v = sink; v !== 0; v = parent[v] as number) {
      const u = parent[v] as number;
      (cap[u] as number[])[v] = ((cap[u] as number[])[v] as number) - push;
      (cap[v] as number[])[u] = ((cap[v] as number[])[u] as number) + push;
    }
    flow += push;
  }
  if (flow === wanted) return null;
  const got = kinds.map((k) => `${k}×${counts.get(k) ?? 0}`).join(', ');
  const asked = g.map((group) => `[${group.kinds.join('|')}]×${group.count}`).join(', ');
  return `answers (${got}) do not fit what the inputs allow (${asked})`;
}
