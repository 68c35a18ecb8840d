/**
 * Panels that wrap into rows: a figure of one panel per run (heatmaps, ridgeline, bands: `runPanels`)
 * as a wrapped facet, or of several charts concatenated (the training curves), whose number of columns
 * follows a width —
 *
 *   figure (Vega-Lite)   wrappedPanels(count, row): `columns` for row.maxWidth (files), the signals
 *                        WRAP_WIDTH (default maxWidth) and `wrap_columns` computed from it, and an
 *                        x axis under each panel (none under the empty cells of the last row);
 *                        runPanels adds `wrap_height` (a facet's panels lower when they wrap), a
 *                        figure may add `wrapSubtitle` (its subtitle in shorter lines in one column;
 *                        `subtitleByWidth` for a figure of one column, by the width)
 *   compiled (Vega)      columnsFollowWidth: the layout's columns (and a facet's count of rows) read
 *                        `wrap_columns`, a facet's `child_height` `wrap_height`, the title's subtitle
 *                        `wrap_subtitle` (missingWrapParts names what Vega-Lite no longer writes)
 *   page                 sets WRAP_WIDTH to the width its card may take, again when the window resizes
 *                        (src/viz/pages/vega.ts)
 *
 * fit = max(1, min(count, ⌊(width − around + GAP) / (panel + GAP)⌋)) panels a row holds; the rows
 * that takes, ⌈count / fit⌉, are then filled evenly: columns = ⌈count / ⌈count / fit⌉⌉ (6 runs where 5
 * fit: rows of 3 and 3, not 5 and 1).
 */
import type { Spec } from 'vega';
import { indexFacet } from './facets.ts';
import { linesOf, visibleControls } from './format.ts';
import { SHARED_SCALES } from './theme.ts';

/** The widest a wrapped figure is drawn by default (px): it fits a report card in an 800-px window. */
export const WRAP_MAX_WIDTH = 720;
/** The signal holding the width (px) the figure may take; a page sets it to its card's. */
export const WRAP_WIDTH = 'wrap_width';
/** The signal of the number of panels in a row, from WRAP_WIDTH (here, or fit-width.ts for plots that stack). */
export const WRAP_COLUMNS = 'wrap_columns';
/** The signal of a facet's panel height (px), from WRAP_COLUMNS (`runPanels`). */
const WRAP_HEIGHT = 'wrap_height';
/** The signal of the figure's subtitle lines, from WRAP_COLUMNS (`wrapSubtitle`) or WRAP_WIDTH (`subtitleByWidth`). */
const WRAP_SUBTITLE = 'wrap_subtitle';
/** Vega's padding around a figure (px): 12 each side (theme.ts's CONFIG). */
export const WRAP_PADDING = 2 * 12;
/** What a row of a facet takes besides its panels (px): the y axis on the left (60) and Vega's padding. */
const AROUND = 60 + WRAP_PADDING;
/** Vega-Lite's gap between facet panels and between concatenated charts (px). */
export const GAP = 20;
/** A subtitle's width per character (px): DejaVu Sans at 12 px, ~7.5 px a character. */
export const SUBTITLE_CHAR = 7.5;
/** The panels' height when they wrap in a file (px): a 7-run figure of 40 epochs in rows of 3 then stays about a screen high. */
const WRAPPED_HEIGHT = 240;

/** A row of wrapped panels: each `panel` px wide, `around` px besides them (default: a facet's y axis and Vega's padding), drawn in files within `maxWidth` px (default WRAP_MAX_WIDTH). */
export interface PanelRow {
  readonly panel: number;
  readonly around?: number;
  readonly maxWidth?: number;
}

/**
 * How many panels of a `row` a width of `width` px takes, the rows filled evenly (see the file's comment).
 *
 * @example
 * wrapColumns(7, { panel: 190 }, 720)    // 3: rows of 3, 3, 1
 * wrapColumns(7, { panel: 190 }, 1300)   // 4: 5 fit; rows of 4 and 3
 * wrapColumns(6, { panel: 190 }, 1300)   // 3: rows of 3 and 3
 */
export function wrapColumns(count: number, row: PanelRow, width: number): number {
  const around = row.around ?? AROUND;
  const fit = Math.max(1, Math.min(count, Math.floor((width - around + GAP) / (row.panel + GAP))));
  return Math.ceil(count / Math.ceil(count / fit));
}

/**
 * The parts of a wrapped Vega-Lite spec (a facet, or a concat) of `count` panels in a `row`: `columns`
 * for its maxWidth, the width and column signals, and x axes per panel (spread into the spec, its
 * `resolve` merged with the figure's own).
 *
 * @example
 * const grid = { ...wrappedPanels(7, { panel: 190 }), facet, spec };   // 7 panels of 190 px: rows of 3 in a file
 */
export function wrappedPanels(count: number, row: PanelRow) {
  const maxWidth = row.maxWidth ?? WRAP_MAX_WIDTH;
  const around = row.around ?? AROUND;
  return {
    columns: wrapColumns(count, row, maxWidth),
    params: [
      { name: WRAP_WIDTH, value: maxWidth },
      {
        name: WRAP_COLUMNS,
        expr: `ceil(${count} / ceil(${count} / max(1, min(${count}, floor((${WRAP_WIDTH} - ${around - GAP}) / ${row.panel + GAP})))))`,
      },
    ],
    // An x axis in each panel, not one under each column of the grid (drawn under empty cells too).
    resolve: { axis: { x: 'independent' as const } },
  };
}

/**
 * A figure of one panel per run (heatmaps, ridgeline, bands), laid out once for all of them: the
 * panels' width — 260 px for one or two runs, else 190 (three then take one row of a 720-px file,
 * 84 + 3 · 190 + 2 · 20 = 694 px; at 260 they wrapped 2 and 1) —, their `height` in a file (`tall`,
 * at most 240 px when the panels wrap within maxWidth; on a page the same rule at the page's width,
 * through the signal `wrap_height`), and `facet`, the parts to spread into the figure's spec: the
 * facet by the field `col` headed by the run labels, `wrappedPanels`' columns and signals with
 * `wrap_height`, and `resolve` (an x axis per panel, x and y scales shared; merge a figure's own).
 * Given the figure's `subtitle`, its lines are broken to the width of a row of fewer panels than a
 * file's (`wrapSubtitle`, `wrap_subtitle`), or, where a file draws one column (one run), to the
 * page's width (`subtitleByWidth`): a page's narrow card holds them.
 *
 * @example
 * const panels = runPanels(runLabels(runs), { tall: 360, subtitle });   // 7 runs: height 240 (rows of 3 in a file); 360 where all 7 fit a row
 * ({ ...figureHead(title, subtitle), data, ...panels.facet, spec: { width: panels.width, height: panels.height, mark, encoding } })
 */
export function runPanels(
  labels: readonly string[],
  size: { readonly tall: number; readonly maxWidth?: number | undefined; readonly subtitle?: readonly string[] },
) {
  const count = labels.length;
  const width = count > 2 ? 190 : 260;
  const row = size.maxWidth ?? WRAP_MAX_WIDTH;
  const { columns, params, resolve } = wrappedPanels(count, { panel: width, maxWidth: row });
  const low = Math.min(size.tall, WRAPPED_HEIGHT);
  // A row of c panels with its y axis: 60 + c · width + (c − 1) · GAP px for the subtitle.
  const charsAt = (c: number) => Math.floor((AROUND - WRAP_PADDING + c * width + (c - 1) * GAP) / SUBTITLE_CHAR);
  return {
    width,
    height: columns < count ? low : size.tall,
    facet: {
      facet: indexFacet('col', labels, { labelFontWeight: 'bold' }),
      columns,
      params: [
        ...params,
        { name: WRAP_HEIGHT, expr: `${WRAP_COLUMNS} < ${count} ? ${low} : ${size.tall}` },
        ...(size.subtitle
          ? [columns > 1 ? wrapSubtitle(size.subtitle, charsAt, columns) : subtitleByWidth(size.subtitle, { maxWidth: row, least: charsAt(1) })]
          : []),
      ],
      resolve: { ...resolve, ...SHARED_SCALES },
    },
  };
}

/**
 * The param `wrap_subtitle` of a wrapped figure whose subtitle is wider than a row of fewer panels:
 * its `lines` as given while a row holds `columns` panels or more (as a file draws them), and with c
 * fewer, each broken into lines of at most `charsAt(c)` characters (columnsFollowWidth makes it the
 * title's subtitle). Spread into the figure's params; its Vega-Lite title keeps `lines`, as a file is
 * drawn. Quoted into the expression escaped (`visibleControls`), as facets.ts quotes labels: the
 * expression would read an escape back as the character.
 *
 * @example
 * wrapSubtitle(['per epoch (0 = initial): mean train (data) loss over its batches;'], () => 36)
 * // { name: 'wrap_subtitle', expr: 'wrap_columns >= 2 ? ["per epoch … batches;"] : ["per epoch (0 = initial): mean train", "(data) loss over its batches;"]' }
 */
export function wrapSubtitle(lines: readonly string[], charsAt: (columns: number) => number, columns = 2) {
  const wide = lines.map(visibleControls);
  let expr = JSON.stringify(wide.flatMap((line) => linesOf(line.split(' '), charsAt(1))));
  for (let c = 2; c < columns; c++)
    expr = `${WRAP_COLUMNS} >= ${c} ? ${JSON.stringify(wide.flatMap((line) => linesOf(line.split(' '), charsAt(c))))} : ${expr}`;
  return { name: WRAP_SUBTITLE, expr: `${WRAP_COLUMNS} >= ${columns} ? ${JSON.stringify(wide)} : ${expr}` };
}

/**
 * The param `wrap_subtitle` of a figure a file draws in one column (a heatmap, ridgeline or bands of
 * one run: no count of columns to break its subtitle by): its `lines` as given where WRAP_WIDTH is
 * `maxWidth` or more (a file), and below it each broken into lines of at most
 * ⌊(WRAP_WIDTH − WRAP_PADDING) / SUBTITLE_CHAR⌋ characters, never fewer than `least` (the panel's own
 * row: a card narrower than that scrolls the figure anyway). One breaking per width where it
 * changes, the widest first; quoted as wrapSubtitle quotes its lines.
 *
 * @example
 * subtitleByWidth(subtitle, { maxWidth: 720, least: 42 })
 * // { name: 'wrap_subtitle', expr: 'wrap_width >= 720 ? [subtitle] : wrap_width >= 714 ? [lines of ≤ 92] : … : [lines of ≤ 42]' }
 * // drawn at 474 px (a card in a 500-px window): lines of at most ⌊(474 − 24) / 7.5⌋ = 60 characters
 */
export function subtitleByWidth(lines: readonly string[], at: { readonly maxWidth: number; readonly least: number }) {
  const wide = lines.map(visibleControls);
  const breakAt = (chars: number) => JSON.stringify(wide.flatMap((line) => linesOf(line.split(' '), chars)));
  let shown = breakAt(at.least);
  let expr = shown;
  // The widths below maxWidth only: from it on, the lines as given.
  const most = Math.min(Math.max(...wide.map((line) => line.length)), Math.ceil((at.maxWidth - WRAP_PADDING) / SUBTITLE_CHAR) - 1);
  for (let chars = at.least + 1; chars <= most; chars++) {
    const broken = breakAt(chars);
    if (broken !== shown) expr = `${WRAP_WIDTH} >= ${WRAP_PADDING + chars * SUBTITLE_CHAR} ? ${broken} : ${expr}`;
    shown = broken;
  }
  return { name: WRAP_SUBTITLE, expr: `${WRAP_WIDTH} >= ${at.maxWidth} ? ${JSON.stringify(wide)} : ${expr}` };
}

/** A compiled spec whose title's subtitle is the signal `wrap_subtitle` where it has one (and a title): as it is otherwise. */
export function subtitleFollowsWidth(spec: Spec): Spec {
  const has = spec.signals?.some((s) => s.name === WRAP_SUBTITLE) ?? false;
  return has && spec.title !== undefined ? ({ ...spec, title: { ...(spec.title as object), subtitle: { signal: WRAP_SUBTITLE } } } as Spec) : spec;
}

/** A piece of a compiled spec, as far as columnsFollowWidth reads it. */
type Node = { name?: string; role?: string; from?: { facet?: unknown }; transform?: Array<{ type?: string; stop?: unknown }> };

/** The data Vega-Lite compiles a wrapped facet's cells into (a row each), and its count of rows (a `sequence` transform whose stop is that count). */
const FACET_CELLS = 'facet_domain';
const FACET_ROWS = 'facet_domain_row';

/** The signal Vega-Lite compiles a facet's panel height into (a `value`). */
const FACET_HEIGHT = 'child_height';

/**
 * What columnsFollowWidth rewrites in a compiled wrapped figure and did not find there, each named as
 * Vega-Lite wrote it: `layout.columns` (a number); for a facet (a mark `from.facet`) with row headers
 * or axis footers (groups of role `…-header`/`…-footer`) the data `facet_domain` (its cells) and
 * `facet_domain_row` with a `sequence` transform (its count of rows);
 * with `wrap_height` the signal `child_height` (a number); with `wrap_subtitle` and a title, its subtitle.
 * Empty for a figure that does not wrap or has them all; the tests compile every wrapped figure and
 * expect it empty, so a Vega-Lite that compiles differently fails them by name.
 *
 * @example
 * missingWrapParts(vegaLite.compile(ridgelineSpec(runs)).spec)   // [] (or e.g. ['layout.columns, a number (Vega-Lite wrote undefined)'])
 */
export function missingWrapParts(spec: Spec): string[] {
  const has = (name: string) => spec.signals?.some((s) => s.name === name) ?? false;
  if (!has(WRAP_COLUMNS)) return [];
  const missing: string[] = [];
  const columns = (spec.layout as { columns?: unknown } | undefined)?.columns;
  if (typeof columns !== 'number') missing.push(`layout.columns, a number (Vega-Lite wrote ${JSON.stringify(columns)})`);
  // A facet laid out in a grid of headers and axis footers (shared scales or axes: `row-header`, `column-footer`, …);
  // one of panels each with its own axes and titles (the norm curves) has only its cells, which follow layout.columns.
  const marks = (spec.marks ?? []) as Node[];
  const facet = marks.some((m) => m.from?.facet) && marks.some((m) => /-(header|footer)$/.test(m.role ?? ''));
  const data = (spec.data ?? []) as Node[];
  if (facet && !data.some((d) => d.name === FACET_CELLS)) missing.push(`data "${FACET_CELLS}", the facet's cells`);
  const rows = data.find((d) => d.name === FACET_ROWS);
  if (facet && !rows?.transform?.some((t) => t.type === 'sequence'))
    missing.push(`data "${FACET_ROWS}" with a sequence transform, the facet's count of rows (Vega-Lite wrote ${rows ? JSON.stringify(rows) : 'none'})`);
  const height = spec.signals?.find((s) => s.name === FACET_HEIGHT) as { value?: unknown } | undefined;
  if (has(WRAP_HEIGHT) && typeof height?.value !== 'number')
    missing.push(`signal "${FACET_HEIGHT}" with a number value, the panels' height (Vega-Lite wrote ${height ? JSON.stringify(height) : 'none'})`);
  const title = spec.title as { subtitle?: unknown } | undefined;
  // A spec without a title (a page that shows the figure's title on its card) has no subtitle to follow.
  if (has(WRAP_SUBTITLE) && title !== undefined && title.subtitle === undefined) missing.push("title.subtitle, the figure's subtitle");
  return missing;
}

/**
 * A compiled spec whose wrapped panels take their columns from `wrap_columns`: Vega-Lite writes the
 * number of columns into the layout and, for a facet, into the count of rows (data
 * `facet_domain_row`), which then follow the signal; so do a facet's panel height (`child_height`
 * from `wrap_height`) and the subtitle (from `wrap_subtitle`) where the figure has those signals. A
 * spec without `wrap_columns` is returned as it is, and so is one without those parts
 * (`missingWrapParts`): its layout stays the one for its maxWidth.
 */
export function columnsFollowWidth(spec: Spec): Spec {
  const has = (name: string) => spec.signals?.some((s) => s.name === name) ?? false;
  if (!has(WRAP_COLUMNS) || missingWrapParts(spec).length) return spec;
  const data = (spec.data ?? []) as Node[];
  return {
    ...subtitleFollowsWidth(spec),
    signals: spec.signals?.map((s) => (s.name === FACET_HEIGHT && has(WRAP_HEIGHT) ? { name: FACET_HEIGHT, update: WRAP_HEIGHT } : s)),
    layout: { ...spec.layout, columns: { signal: WRAP_COLUMNS } },
    data: data.map((d) =>
      d.name === FACET_ROWS
        ? {
            ...d,
            transform: d.transform?.map((t) =>
              t.type === 'sequence' ? { ...t, stop: { signal: `ceil(length(data("${FACET_CELLS}")) / ${WRAP_COLUMNS})` } } : t,
            ),
          }
        : d,
    ),
  } as Spec;
}
