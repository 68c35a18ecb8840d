/**
 * A figure of one row of plots that narrows to a page's card (the overlay, log10|w|, penalty shapes,
 * sparsity, the prune curve, a sweep's figures): a file draws it as it is; on a page each plot `w`
 * px wide is drawn round(w · wrap_fit) px wide, with
 *
 *   wrap_fit = min(1, max(LEAST_FIT, (WRAP_WIDTH − around) / plots))
 *
 * `plots` the widths of the row's plots summed, `around` what the row takes besides them (its y axes,
 * the gaps between the plots, Vega's padding), and its subtitle broken to the width as a one-run
 * heatmap's is (`subtitleByWidth`). A row of plots that `stack` (a `concat` of `columns: plots.length`)
 * puts them one under another where the row would be drawn at less than STACK_BELOW (`wrap_columns` 1):
 * each then at min(1, max(LEAST_FIT, (WRAP_WIDTH − Vega's padding − STACKED_AXIS) / widest plot)) —
 *
 *   figure (Vega-Lite)   fitToCard(row, subtitle): the params WRAP_WIDTH (default: the file's width,
 *                        so a file is drawn as before), `wrap_fit` and `wrap_subtitle`
 *   compiled (Vega)      widthsFollowCard: the plot widths Vega-Lite wrote as numbers (`width`,
 *                        `childWidth`, `concat_0_width`, …) read `wrap_fit`, the title's subtitle `wrap_subtitle`
 *   page                 sets WRAP_WIDTH to its card's width (src/viz/pages/vega.ts), as for wrapped panels
 *
 * A mark placed at the plot's right edge says `x: { value: 'width' }` (the width drawn), not a number.
 */
import type { Spec } from 'vega';
import { LEGEND_CHARS, LEGEND_CHARS_SIGNAL } from './short-names.ts';
import { CONFIG } from './theme.ts';
import { GAP, SUBTITLE_CHAR, subtitleByWidth, subtitleFollowsWidth, WRAP_COLUMNS, WRAP_MAX_WIDTH, WRAP_PADDING, WRAP_WIDTH } from './wrap.ts';

/** The signal of the share of its width each plot is drawn at (1 in a file). */
const WRAP_FIT = 'wrap_fit';
/** What a y axis takes beside its plot (px): labels of up to 7 characters (`0.00002`, `12.34%`), its title, and a line's stroke over the plot's edge. */
const Y_AXIS = 80;
/**
 * What a plot stacked alone in its row takes beside it (px): its y axis, and the x axis's last label
 * over the plot's right edge (half of `−0.0002`: the playground's penalty shapes were 379 px in a card of 378).
 */
const STACKED_AXIS = Y_AXIS + 10;
/**
 * The least share of its width a plot is drawn at: a card narrower than that scrolls the figure.
 * 0.3: the overlay (560 px, two y axes) then fits a card of 184 + 168 = 352 px, a 420-px window's
 * (374 px on the dashboard, 386 in the report); at 0.4 it took 408 px and scrolled there.
 */
const LEAST_FIT = 0.3;
/**
 * The share below which a row of plots that stack is drawn one plot a row: the penalty shapes (two
 * of 270 px) in a card of 454 px are two panels of 270 px one under the other, not two of 124 side by side.
 */
const STACK_BELOW = 0.5;
/** The plot-width signals Vega-Lite writes: `width` (one plot), `childWidth` (concatenated plots of one width), `concat_0_width`, `concat_1_childWidth`, … */
const PLOT_WIDTH = /^(concat_\d+_)*(width|childWidth)$/;

/**
 * A figure's row of plots: their widths side by side (px), how many y axes the row draws (default
 * one a plot; two for a right-hand axis too), and whether they `stack` where the row does not fit
 * (the figure then a `concat` of `columns: plots.length`, each plot with its own y axis).
 */
export interface PlotRow {
  readonly plots: readonly number[];
  readonly axes?: number;
  readonly stack?: boolean;
}

/**
 * The params of a figure whose plots narrow to a page's card (see the file's comment): spread into
 * the figure's `params`; `subtitle`, its lines, then follow the width too.
 *
 * @example
 * fitToCard({ plots: [560], axes: 2 }, subtitle)   // the overlay with its right axis: around = 24 + 2 · 80 = 184 px
 * // in a card of 454 px: wrap_fit = (454 − 184) / 560 = 0.48, the plot 270 px wide; in a file (wrap_width 744): 1
 * fitToCard({ plots: [270, 270], stack: true }, subtitle)   // the penalty shapes: around = 24 + 2 · 80 + 20 = 204 px
 * // in a card of 454 px the row would be (454 − 204) / 540 = 0.46: wrap_columns 1, each plot at min(1, (454 − 114) / 270) = 1
 */
export function fitToCard(row: PlotRow, subtitle?: string | readonly string[]) {
  const plots = row.plots.reduce((sum, w) => sum + w, 0);
  const around = WRAP_PADDING + (row.axes ?? row.plots.length) * Y_AXIS + (row.plots.length - 1) * GAP;
  const lines = subtitle === undefined ? [] : typeof subtitle === 'string' ? [subtitle] : subtitle;
  const longest = Math.max(0, ...lines.map((l) => l.length));
  // A file's width: the figure's, and its subtitle's as given.
  const file = Math.max(WRAP_MAX_WIDTH, plots + around, Math.ceil(WRAP_PADDING + longest * SUBTITLE_CHAR));
  const inRow = `(${WRAP_WIDTH} - ${around}) / ${plots}`;
  const stack = row.stack === true && row.plots.length > 1;
  // Stacked: one plot a row, the widest with one y axis.
  const widest = Math.max(...row.plots);
  const least = Math.floor((LEAST_FIT * (stack ? widest : plots) + (stack ? STACKED_AXIS : around - WRAP_PADDING)) / SUBTITLE_CHAR);
  return [
    { name: WRAP_WIDTH, value: file },
    ...(stack
      ? [
          { name: WRAP_COLUMNS, expr: `${inRow} >= ${STACK_BELOW} ? ${row.plots.length} : 1` },
          {
            name: WRAP_FIT,
            expr: `min(1, max(${LEAST_FIT}, ${WRAP_COLUMNS} > 1 ? ${inRow} : (${WRAP_WIDTH} - ${WRAP_PADDING + STACKED_AXIS}) / ${widest}))`,
          },
        ]
      : [{ name: WRAP_FIT, expr: `min(1, max(${LEAST_FIT}, ${inRow}))` }]),
    ...(lines.length ? [subtitleByWidth(lines, { maxWidth: file, least })] : []),
  ];
}

type Signal = { name: string; value?: unknown; update?: string };

/**
 * A compiled spec whose plot widths follow `wrap_fit` and whose subtitle follows `wrap_subtitle`
 * (see the file's comment); a spec without `wrap_fit` is returned as it is.
 *
 * @example
 * widthsFollowCard(vegaLite.compile(overlaySpec(runs)).spec).signals?.[0]   // { name: 'width', value: 560, update: 'round(560 * wrap_fit)' }
 */
export function widthsFollowCard(spec: Spec): Spec {
  const signals = (spec.signals ?? []) as Signal[];
  if (!signals.some((s) => s.name === WRAP_FIT)) return spec;
  // Its value kept: a page's view takes its size from it before it first runs (NaN without it).
  const follow = (name: string, w: number) => ({ name, value: w, update: `round(${w} * ${WRAP_FIT})` });
  return {
    ...subtitleFollowsWidth(spec),
    signals: [
      // The top-level width (one plot): a signal of that name adds the update to the width Vega reads from `width`.
      ...(typeof spec.width === 'number' ? [follow('width', spec.width)] : []),
      ...signals.map((s) => (PLOT_WIDTH.test(s.name) && typeof s.value === 'number' && s.update === undefined ? follow(s.name, s.value) : s)),
    ],
  } as Spec;
}

/**
 * What a legend's row takes besides its label (px): the plot's left gutter it starts after (a y axis
 * with its title, ~80 px: legends at the bottom start where the plot does), a line symbol (~22 px),
 * Vega's padding and a margin.
 */
const LEGEND_AROUND = 120;
/** The least a legend label is cut to (px): ~18 characters at 11 px (LEAST_LEGEND_CHARS). */
const LEAST_LABEL = 120;
/** The signal of the legends' labelLimit (px). */
const LEGEND_LIMIT = 'legend_limit';

type Group = { legends?: Array<Record<string, unknown>>; marks?: Group[] };

/**
 * A compiled spec whose legends' labels are cut to what its card leaves them (a figure with
 * WRAP_WIDTH: a page sets it to its card's width), and the budget its labelExprs shorten labels
 * to in their middle (`shortLabels`) following the same limit:
 *
 *   legend_limit = clamp(WRAP_WIDTH − LEGEND_AROUND, LEAST_LABEL, the theme's labelLimit)
 *   legend_chars = ⌊legend_limit · LEGEND_CHARS / the theme's labelLimit⌋
 *
 * — 320 px and 48 characters in a file (WRAP_WIDTH ≥ 440) and on a card of 440 px or more, 266 px
 * and 39 characters in a card of 386 (a 420-px window's), 190 px and 28 characters in one of 310. A
 * legend with a labelLimit of its own keeps it; a spec without WRAP_WIDTH keeps its legends and has
 * legend_chars LEGEND_CHARS. Legends sharing the bottom stand one under the other where two side by
 * side would not fit (in a file, side by side).
 *
 * @example
 * legendsFollowWidth(vegaLite.compile(curvesSpec(runs)).spec).legends?.[0]?.labelLimit   // { signal: 'legend_limit' }
 */
export function legendsFollowWidth(spec: Spec): Spec {
  const most = Number(CONFIG.legend?.labelLimit);
  const chars = { name: LEGEND_CHARS_SIGNAL, update: `floor(${LEGEND_LIMIT} * ${LEGEND_CHARS} / ${most})` };
  if (!spec.signals?.some((s) => s.name === WRAP_WIDTH)) return { ...spec, signals: [...(spec.signals ?? []), { name: LEGEND_LIMIT, value: most }, chars] };
  const limit = { signal: LEGEND_LIMIT };
  const follow = (g: Group): Group => ({
    ...g,
    ...(g.legends ? { legends: g.legends.map((l) => (l.labelLimit === undefined ? { ...l, labelLimit: limit } : l)) } : {}),
    ...(g.marks ? { marks: g.marks.map(follow) } : {}),
  });
  const signals = [...(spec.signals ?? []), { name: LEGEND_LIMIT, update: `clamp(${WRAP_WIDTH} - ${LEGEND_AROUND}, ${LEAST_LABEL}, ${most})` }, chars];
  // Legends sharing the bottom (the curves' penalty and output legends) stand side by side where two
  // fit and in a file (WRAP_WIDTH at its own value), else one under the other: side by side they took
  // 575 px of a 386-px card.
  const own = (spec.signals?.find((s) => s.name === WRAP_WIDTH) as { value?: unknown } | undefined)?.value;
  const sideBySide = Math.min(typeof own === 'number' ? own : Number.POSITIVE_INFINITY, 2 * (most + LEGEND_AROUND));
  const stacked = { signal: `${WRAP_WIDTH} < ${sideBySide} ? 'vertical' : 'horizontal'` };
  const config = (spec as { config?: { legend?: { layout?: Record<string, unknown> } } }).config ?? {};
  const layout = { ...config.legend?.layout, bottom: { ...(config.legend?.layout?.['bottom'] as object), direction: stacked } };
  return { ...(follow(spec as Group) as Spec), signals, config: { ...config, legend: { ...config.legend, layout } } } as Spec;
}
