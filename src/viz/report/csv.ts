/**
 * The numbers behind a figure as CSV: the rows of its inline data (`data.values` of the Vega-Lite
 * spec) through `rowsCsv`: one column per field in the order the fields first appear, text quoted
 * when it holds a comma, quote or line break (RFC 4180).
 *
 * @example
 * viewCsv(overlaySpec(runs, { epoch: 3 }))   // "kind,run,x,density\nbin,l1:1e-4,-1,0.0123\n…"
 */
import type { TopLevelSpec } from 'vega-lite';
import { rowsCsv } from '../figures/index.ts';

/** The CSV of a spec's inline data; just a header-less empty text when it has none. */
export function viewCsv(spec: TopLevelSpec): string {
  const data = (spec as { data?: { values?: unknown } }).data;
  return Array.isArray(data?.values) ? rowsCsv(data.values as Record<string, unknown>[]) : '';
}
