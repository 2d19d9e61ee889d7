// Summarises V8 CPU profiles (`BENCH_CPU_PROF=<folder> npm run bench`): the functions with the most
// self time and the most total time (self plus what they call), as a share of the samples that were
// not idle. `node --import tsx bench/profile-top.ts <file.cpuprofile> [how many, default 25]`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, many = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top.ts <file.cpuprofile> [count]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const name = (n: ProfileNode): string => {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url.replace(/^.*\/(node_modules\/|packages\/)/, '$1').replace(/^node:/, '');
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
};
const idle = new Set(['(idle)', '(program)', '(garbage collector)']);

const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
let gc = 0;
for (const id of profile.samples) {
  const leaf = byId.get(id);
  if (!leaf) continue;
  const fn = leaf.callFrame.functionName;
  if (fn === '(garbage collector)') gc++;
  if (idle.has(fn)) continue;
  busy++;
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + 1);
  // Each function once per sample, however deep it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at);
    if (!node) break;
    const key = name(node);
    if (seen.has(key) || idle.has(node.callFrame.functionName) || key.startsWith('(root)')) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + 1);
  }
}

const top = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(many))
    .map(([k, v]) => `${((100 * v) / Math.max(1, busy)).toFixed(1).padStart(5)} %  ${k}`);
console.log(`${busy} busy samples, ${gc} in the garbage collector (${profile.samples.length} in all)`);
console.log('\nself time:');
console.log(top(self).join('\n'));
console.log('\ntotal time:');
console.log(top(total).join('\n'));
