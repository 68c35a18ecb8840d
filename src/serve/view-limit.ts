/**
 * How much a view asks the dashboard page to draw: the data rows of its Vega-Lite spec (every
 * `data.values` and `datasets` entry, in any panel), and the most the server sends. Past it the
 * view is refused with a message in its card (its CSV still downloads). Measured with 100 runs of
 * 200 epochs chosen: the heatmap (943 110 rows, 85 MB of JSON) and the ridgeline (2 030 134 rows,
 * 177 MB) were sent, and Chromium's tab crashed drawing them.
 *
 * @example
 * dataRows({ data: { values: [{ x: 1 }, { x: 2 }] }, hconcat: [{ data: { values: [{ x: 3 }] } }] })   // 3
 */

/** The most data rows a view sent to the page may have. */
export const MAX_VIEW_ROWS = 500_000;

/** The rows of every inline data set of a Vega-Lite spec. */
export function dataRows(spec: unknown): number {
  if (Array.isArray(spec)) return spec.reduce((s: number, x) => s + dataRows(x), 0);
  if (typeof spec !== 'object' || spec === null) return 0;
  let rows = 0;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'data' && typeof value === 'object' && value !== null && Array.isArray((value as { values?: unknown }).values))
      rows += (value as { values: unknown[] }).values.length;
    else if (key === 'datasets' && typeof value === 'object' && value !== null)
      rows += Object.values(value).reduce((s: number, d) => s + (Array.isArray(d) ? d.length : 0), 0);
    else rows += dataRows(value);
  }
  return rows;
}
