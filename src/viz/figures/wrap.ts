/**
 * Panels that wrap into rows: a figure of one panel per run (heatmaps, ridgeline, bands) as a
 * wrapped facet whose number of columns follows a width —
 *
 *   figure (Vega-Lite)   wrappedPanels(runs, width, maxWidth): `columns` for maxWidth (files), the
 *                        signals WRAP_WIDTH (default maxWidth) and `wrap_columns` computed from it,
 *                        and an x axis under each panel (none under the empty cells of the last row)
 *   compiled (Vega)      columnsFollowWidth: the layout's columns and its rows' count read `wrap_columns`
 *   page                 sets WRAP_WIDTH to the width its card may take, again when the window resizes
 *                        (src/viz/pages/vega.ts)
 *
 * fit = max(1, min(runs, ⌊(width − AROUND + GAP) / (panel + GAP)⌋)) panels a row holds; the rows
 * that takes, ⌈runs / fit⌉, are then filled evenly: columns = ⌈runs / ⌈runs / fit⌉⌉ (6 runs where 5
 * fit: rows of 3 and 3, not 5 and 1).
 */
import type { Spec } from 'vega';

/** The widest a wrapped figure is drawn by default (px): it fits a report card in an 800-px window. */
export const WRAP_MAX_WIDTH = 720;
/** The signal holding the width (px) the figure may take; a page sets it to its card's. */
export const WRAP_WIDTH = 'wrap_width';
/** The signal of the number of panels in a row, from WRAP_WIDTH. */
const WRAP_COLUMNS = 'wrap_columns';
/** What a row takes besides its panels (px): the y axis on the left (60) and Vega's padding (2 · 12). */
const AROUND = 84;
/** Vega-Lite's gap between facet panels (px). */
const GAP = 20;

/**
 * How many panels of `panel` px a row of `width` px takes, the rows filled evenly (see the file's comment).
 *
 * @example
 * wrapColumns(7, 190, 720)    // 3: rows of 3, 3, 1
 * wrapColumns(7, 190, 1300)   // 4: 5 fit; rows of 4 and 3
 * wrapColumns(6, 190, 1300)   // 3: rows of 3 and 3
 */
export function wrapColumns(runs: number, panel: number, width: number): number {
  const fit = Math.max(1, Math.min(runs, Math.floor((width - AROUND + GAP) / (panel + GAP))));
  return Math.ceil(runs / Math.ceil(runs / fit));
}

/**
 * The parts of a wrapped facet's Vega-Lite spec for `runs` panels of `panel` px: `columns` for
 * `maxWidth`, the width and column signals, and x axes per panel (spread into the facet spec, its
 * `resolve` merged with the figure's own).
 *
 * @example
 * const grid = { ...wrappedPanels(7, 190), facet, spec, resolve: { ...wrappedPanels(7, 190).resolve, scale } };
 */
export function wrappedPanels(runs: number, panel: number, maxWidth = WRAP_MAX_WIDTH) {
  return {
    columns: wrapColumns(runs, panel, maxWidth),
    params: [
      { name: WRAP_WIDTH, value: maxWidth },
      {
        name: WRAP_COLUMNS,
        expr: `ceil(${runs} / ceil(${runs} / max(1, min(${runs}, floor((${WRAP_WIDTH} - ${AROUND - GAP}) / ${panel + GAP})))))`,
      },
    ],
    // An x axis in each panel, not one under each column of the grid (drawn under empty cells too).
    resolve: { axis: { x: 'independent' as const } },
  };
}

/** A piece of a compiled spec, as far as columnsFollowWidth reads it. */
type Node = { name?: string; transform?: Array<{ type?: string; stop?: unknown }> };

/**
 * A compiled spec whose wrapped facet takes its columns from `wrap_columns` (a spec without that
 * signal is returned as it is): Vega-Lite writes the number of columns into the layout and into the
 * count of rows (data `facet_domain_row`), which then follow the signal.
 */
export function columnsFollowWidth(spec: Spec): Spec {
  const layout = spec.layout as { columns?: unknown } | undefined;
  if (!spec.signals?.some((s) => s.name === WRAP_COLUMNS) || typeof layout?.columns !== 'number') return spec;
  const data = (spec.data ?? []) as Node[];
  return {
    ...spec,
    layout: { ...layout, columns: { signal: WRAP_COLUMNS } },
    data: data.map((d) =>
      d.name === 'facet_domain_row'
        ? {
            ...d,
            transform: d.transform?.map((t) =>
              t.type === 'sequence' ? { ...t, stop: { signal: `ceil(length(data("facet_domain")) / ${WRAP_COLUMNS})` } } : t,
            ),
          }
        : d,
    ),
  } as Spec;
}
