/**
 * A figure of one row of plots that narrows to a page's card (the overlay, log10|w|, penalty shapes,
 * sparsity, the prune curve, a sweep's figures): a file draws it as it is; on a page each plot `w`
 * px wide is drawn round(w · wrap_fit) px wide, with
 *
 *   wrap_fit = min(1, max(LEAST_FIT, (WRAP_WIDTH − around) / plots))
 *
 * `plots` the widths of the row's plots summed, `around` what the row takes besides them (its y axes,
 * the gaps between the plots, Vega's padding), and its subtitle broken to the width as a one-run
 * heatmap's is (`subtitleByWidth`) —
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
import { GAP, SUBTITLE_CHAR, subtitleByWidth, subtitleFollowsWidth, WRAP_MAX_WIDTH, WRAP_PADDING, WRAP_WIDTH } from './wrap.ts';

/** The signal of the share of its width each plot is drawn at (1 in a file). */
const WRAP_FIT = 'wrap_fit';
/** What a y axis takes beside its plot (px): labels of up to 7 characters (`0.00002`, `12.34%`), its title, and a line's stroke over the plot's edge. */
const Y_AXIS = 80;
/** The least share of its width a plot is drawn at: a card narrower than that scrolls the figure. */
const LEAST_FIT = 0.4;
/** The plot-width signals Vega-Lite writes: `width` (one plot), `childWidth` (concatenated plots of one width), `concat_0_width`, `concat_1_childWidth`, … */
const PLOT_WIDTH = /^(concat_\d+_)*(width|childWidth)$/;

/** A figure's row of plots: their widths side by side (px), and how many y axes the row draws (default one a plot; two for a right-hand axis too). */
export interface PlotRow {
  readonly plots: readonly number[];
  readonly axes?: number;
}

/**
 * The params of a figure whose plots narrow to a page's card (see the file's comment): spread into
 * the figure's `params`; `subtitle`, its lines, then follow the width too.
 *
 * @example
 * fitToCard({ plots: [560], axes: 2 }, subtitle)   // the overlay with its right axis: around = 24 + 2 · 80 = 184 px
 * // in a card of 454 px: wrap_fit = (454 − 184) / 560 = 0.48, the plot 270 px wide; in a file (wrap_width 744): 1
 */
export function fitToCard(row: PlotRow, subtitle?: string | readonly string[]) {
  const plots = row.plots.reduce((sum, w) => sum + w, 0);
  const around = WRAP_PADDING + (row.axes ?? row.plots.length) * Y_AXIS + (row.plots.length - 1) * GAP;
  const lines = subtitle === undefined ? [] : typeof subtitle === 'string' ? [subtitle] : subtitle;
  const longest = Math.max(0, ...lines.map((l) => l.length));
  // A file's width: the figure's, and its subtitle's as given.
  const file = Math.max(WRAP_MAX_WIDTH, plots + around, Math.ceil(WRAP_PADDING + longest * SUBTITLE_CHAR));
  const least = Math.floor((LEAST_FIT * plots + around - WRAP_PADDING) / SUBTITLE_CHAR);
  return [
    { name: WRAP_WIDTH, value: file },
    { name: WRAP_FIT, expr: `min(1, max(${LEAST_FIT}, (${WRAP_WIDTH} - ${around}) / ${plots}))` },
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
