/**
 * The numbers behind a figure as CSV: the rows of its inline data (`data.values` of the Vega-Lite
 * spec), one column per field in the order the fields first appear. Text is quoted when it holds
 * a comma, quote or line break (RFC 4180).
 *
 * @example
 * viewCsv(overlaySpec(runs, { epoch: 3 }))   // "kind,run,x,density\nbin,l1:1e-4,-1,0.0123\n…"
 */
import type { TopLevelSpec } from 'vega-lite';
import { visibleControls } from '../figures/index.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (objects) as CSV text with a header line; the header shows the keys' controls as escapes (`visibleControls`, as the values are in a figure's data). */
export function rowsCsv(rows: readonly Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return `${[columns.map((c) => cell(visibleControls(c))).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/** The CSV of a spec's inline data; just a header-less empty text when it has none. */
export function viewCsv(spec: TopLevelSpec): string {
  const data = (spec as { data?: { values?: unknown } }).data;
  return Array.isArray(data?.values) ? rowsCsv(data.values as Record<string, unknown>[]) : '';
}
