/**
 * The figures' shared look: font, sizes, colours and the Vega-Lite config every spec carries.
 * SVG and PNG both use DejaVu Sans (the PNG renderer loads it from `dejavu-fonts-ttf`), so text
 * measures and looks the same in both.
 */
import type { Config } from 'vega-lite';
import { shortLabels } from './short-names.ts';

/** The figures' font, in SVG and PNG alike. */
export const FONT = 'DejaVu Sans';

/** The bar colour of single-run histograms. */
export const BAR_COLOR = '#3f6fb5';
/** One colour per run, in run order (Tableau 10). */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Plot sizes (pixels of the data rectangle). */
export const SIZE = {
  single: { width: 560, height: 300 },
  panel: { width: 215, height: 110 },
  line: { width: 520, height: 260 },
  layer: { width: 300, height: 150 },
} as const;

/** Columns of the wrapped small-multiple grids. */
export const GRID_COLUMNS = 4;
/** Intervals on the weight axis of small panels (−1, −0.5, 0, 0.5, 1). */
export const PANEL_TICKS = 4;

/** The Vega-Lite config every figure carries: font, background, title, axis, header and legend styles. */
export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 10, subtitlePadding: 4 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6', labelOverlap: true },
  header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', labelPadding: 4 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320, orient: 'bottom', direction: 'vertical' },
  view: { stroke: '#ccc' },
};

/** `resolve` of small multiples whose panels are compared: one x and one y scale for all. */
export const SHARED_SCALES = { scale: { x: 'shared', y: 'shared' } } as const;

/** Legends of line charts: short line segments as symbols (so dashes show). */
export const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 500 } as const;

/**
 * The colour encoding of runs: one colour per run label (of the data's `field`, `run` unless a
 * figure names runs by their penalty), in run order, legend titled `penalty`; a label too long for
 * the legend shortened in its middle (`shortLabels`: Vega cut it at its end, and two runs' names that
 * differ only there read the same).
 *
 * @example
 * runColor(['l1:1e-4', 'l2:1e-3']).scale   // { domain: ['l1:1e-4', 'l2:1e-3'], range: ['#4e79a7', '#f28e2b'] }
 */
export function runColor(labels: readonly string[], field = 'run') {
  return {
    field,
    type: 'nominal',
    title: 'penalty',
    sort: [...labels],
    legend: { ...LINE_LEGEND, ...shortLabels(labels) },
    scale: { domain: [...labels], range: labels.map((_, i) => RUN_COLORS[i % RUN_COLORS.length] ?? 'black') },
  } as const;
}

/**
 * `runColor` for a figure that draws only some of the runs (`shown`, by label): each keeps its
 * colour of the other figures, the others stay out of the legend, titled `title`.
 */
export function shownRunColor(labels: readonly string[], shown: readonly string[], title: string) {
  const base = runColor(labels);
  const domain = labels.filter((l) => shown.includes(l));
  return { ...base, title, sort: domain, scale: { domain, range: domain.map((l) => base.scale.range[labels.indexOf(l)] ?? 'black') } };
}

/** The font in browsers (the report), where DejaVu Sans may not be installed. */
export const FONT_STACK = `"${FONT}", Verdana, "Helvetica Neue", Arial, sans-serif`;

/** The Vega-Lite schema every figure names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The head every figure opens with: the schema, and its title (the text's and the subtitle's line or lines). */
export function figureHead(
  text: string | readonly string[],
  subtitle?: string | readonly string[],
): { $schema: string; title: { text: string | string[]; subtitle?: string | string[] } } {
  const lines = (t: string | readonly string[]) => (typeof t === 'string' ? t : [...t]);
  return { $schema: VEGA_LITE_SCHEMA, title: subtitle === undefined ? { text: lines(text) } : { text: lines(text), subtitle: lines(subtitle) } };
}
