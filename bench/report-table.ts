// Renders one markdown table per scenario: rows are metrics, columns are the
// servers, plus the target and whether Jobstream meets it.

import type { AllValues, Column, RowDef, Values } from './scenario.js';

function cell(row: RowDef, v: Values[string]): string {
  if (v === undefined) return '–';
  if (typeof v === 'string') return v.replace(/\|/g, '\\|');
  if (!Number.isFinite(v)) return 'n/a';
  return row.format ? row.format(v) : String(v);
}

export function renderTable(
  title: string,
  rows: RowDef[],
  columns: Column[],
  all: AllValues,
  notes: string[],
): string {
  const head = ['metric', ...columns.map((c) => c.label), 'target'];
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
    const cells = columns.map((c) => cell(row, all[c.key]?.[row.key]));
    lines.push(`| ${row.label} | ${cells.join(' | ')} | ${target} |`);
  }
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
