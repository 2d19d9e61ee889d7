// Renders one markdown table per scenario: rows are metrics, columns are the
// servers, plus the target and whether Jobstream meets it.

import type { RowDef, Values } from './scenario.js';
import { SERVERS } from './server-process.js';
import type { ServerName } from './server-process.js';

function cell(row: RowDef, v: Values[string]): string {
  if (v === undefined) return '–';
  if (typeof v === 'string') return v.replace(/\|/g, '\\|');
  if (!Number.isFinite(v)) return 'n/a';
  return row.format ? row.format(v) : String(v);
}

export function renderTable(
  title: string,
  rows: RowDef[],
  servers: ServerName[],
  all: Partial<Record<ServerName, Values>>,
  notes: string[],
): string {
  const head = ['metric', ...servers.map((s) => SERVERS[s].label), 'target'];
  const lines = [
    `### ${title}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const row of rows) {
    let target = row.target ?? '';
    const met = row.met?.(all);
    if (target && met !== undefined) target += met ? ' — met' : ' — **missed**';
    const cells = servers.map((s) => cell(row, all[s]?.[row.key]));
    lines.push(`| ${row.label} | ${cells.join(' | ')} | ${target} |`);
  }
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
