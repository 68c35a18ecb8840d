/**
 * Rows as CSV text (RFC 4180): a column per key any row has, in the order keys first appear;
 * text quoted when it holds a comma, quote or line break; objects as JSON. The header shows the
 * keys' controls as escapes (`visibleControls`, as a figure shows values: a figure's data keeps its
 * keys as they are). Used by the files (`viewCsv`, the numbers table) and the pages' CSV buttons.
 *
 * @example
 * rowsCsv([{ run: 'l1', x: 1 }, { run: 'a,b', y: 2 }])   // "run,x,y\nl1,1,\n\"a,b\",,2\n"
 */
import { visibleControls } from './format.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (objects) as CSV text with a header line (see the file's comment). */
export function rowsCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return `${[columns.map((c) => cell(visibleControls(c))).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}
