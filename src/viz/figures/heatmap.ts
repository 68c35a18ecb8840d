/**
 * Histograms over epochs as heatmaps, one per run side by side on shared scales, wrapping into rows
 * to fit a width (`runPanels`): x the weight (or log10|w|, with a column for exact zeros), y the
 * epoch (0 = initial, at the top), colour the share of the run's weights in the bin (linear or log
 * colour). Empty bins stay white.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { evenTicks } from './axes.ts';
import { type BinningOptions, linearCounts, logAbsCounts, REFERENCE_BINNING, rebin } from './binning.ts';
import { runLabels, shownSpec } from './format.ts';
import { DECADE_LABEL, occupiedDecades } from './log-abs.ts';
import { emptyFigure } from './norms-grid.ts';
import { binningText, defaultEpoch, selectionText } from './selection.ts';
import { CONFIG, figureHead } from './theme.ts';
import { runPanels } from './wrap.ts';

/** `heatmapSpec`'s options: the weights and binning, the x axis (w or log10|w|) and the colour scale. */
export interface HeatmapOptions extends BinningOptions {
  /** `weight` (default): linear bins of w; `logabs`: bins of log10|w| (`perDecade` per decade) and a column for w = 0. */
  readonly axis?: 'weight' | 'logabs';
  /** Colour scale of the shares: log (default: small shares stay visible) or linear. */
  readonly color?: 'linear' | 'log';
  /** For `logabs`: bins per decade (default 5) and the decades shown (default those with weights). */
  readonly perDecade?: number;
  /** For `logabs`: the decades shown, [lowest, highest] powers of 10. */
  readonly decades?: readonly [number, number];
  /** The widest the figure may be, in px (default `WRAP_MAX_WIDTH`): its panels wrap into rows to fit (a page fits them to its card). */
  readonly maxWidth?: number;
}

/**
 * How the heatmaps draw in the pages (the report, the dashboard: `usermeta.renderer`, read by
 * src/viz/pages/vega.ts): on canvas, not as an SVG element per cell. On the reference study's report
 * (7 runs, 40 epochs: ~22 500 + ~10 600 cells; Chromium, 1400×900, Dec 2026, 2 cores under a load of
 * 12–27), the CPU of all Chromium's processes, medians of 5 alternated page loads each: a layer change
 * 1.18 s against 1.71 s with SVG (30 changes), the first render 3.84 s against 4.59 s; the two
 * heatmaps' own draws 0.64 + 0.29 s against 1.24 + 0.54 s. The histograms (~160 items a run) gained
 * nothing clear on canvas (a change 1.17 s) and stay SVG.
 */
const ON_CANVAS = { usermeta: { renderer: 'canvas' } } as const;

/** A share as a percentage with two significant digits: `21%`, `0.0012%`. */
const SHARE_LABEL = "format(datum.value * 100, '.2~r') + '%'";

/** The gap left of the log10|w| axis where the column of w = 0 is drawn (in decades). */
export const ZERO_GAP = 0.8;

/**
 * The runs' histograms over epochs as heatmaps, side by side (see the file's comment): the share of
 * each bin is the bin's count / the run's weights.
 *
 * @example
 * heatmapSpec(records, { axis: 'logabs', perDecade: 10 })   // log10|w| over epochs, a column for w = 0
 */
export function heatmapSpec(runs: RunRecord[], options: HeatmapOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const log = options.axis === 'logabs';
  const title = log ? 'log10|w| over epochs, run by run' : 'Weights over epochs, run by run';
  const countsOf = (run: RunRecord) =>
    snapshots(run).map((s) => ({ epoch: s.epoch, c: log ? logAbsCounts(s, options.layer) : linearCounts(s, options.layer) }));
  const perRun = runs.map(countsOf);
  if (log && !perRun.some((r) => r.some((e) => e.c))) return emptyFigure(title, 'no log10|w| histograms in these records (written before they were recorded)');
  const decades = options.decades ?? occupiedDecades(perRun.flatMap((r) => r.flatMap((e) => (e.c ? [e.c] : []))));
  const [lo, hi] = log ? decades : (options.range ?? REFERENCE_BINNING.range);
  const bins = log ? Math.round((hi - lo) * (options.perDecade ?? 5)) : (options.bins ?? REFERENCE_BINNING.bins);
  const values = perRun.flatMap((epochs, col) =>
    epochs.flatMap(({ epoch, c }): object[] => {
      if (!c) return [];
      const r = rebin(c, bins, [lo, hi]);
      const n = Math.max(1, c.count);
      const width = (hi - lo) / bins;
      const cells = Array.from(r.counts, (k, i) => ({ col, epoch, x0: lo + i * width, x1: lo + (i + 1) * width, share: k / n })).filter((d) => d.share > 0);
      const zero = log && c.zeros > 0 ? [{ col, epoch, x0: lo - ZERO_GAP, x1: lo - 0.2, share: c.zeros / n }] : [];
      return [...cells, ...zero];
    }),
  );
  const domain = log ? [lo - ZERO_GAP, hi] : [lo, hi];
  const x = log
    ? {
        scale: { domain, nice: false, zero: false },
        title: '|w| (log scale); left column: w = 0',
        axis: { values: [lo - ZERO_GAP / 2 - 0.1, ...evenTicks([lo, hi], hi - lo)], labelExpr: `datum.value < ${lo} ? '0' : ${DECADE_LABEL}` },
      }
    : { scale: { domain, nice: false, zero: false }, title: 'weight', axis: { values: evenTicks([lo, hi], 4), format: '.4~g' } };
  const last = defaultEpoch(runs);
  const subtitle = [
    `${selectionText(options.layer)} · ${log ? `log10|w|, ${options.perDecade ?? 5} bins per decade` : binningText(options)} · colour: share of the run's weights in the bin (${options.color === 'linear' ? 'linear' : 'log'}) · white: none`,
  ];
  const panels = runPanels(labels, { tall: Math.min(320, Math.max(120, 8 * (last + 1))), maxWidth: options.maxWidth, subtitle });
  return shownSpec({
    ...figureHead(title, subtitle),
    ...ON_CANVAS,
    data: { values },
    transform: [
      { calculate: 'datum.epoch - 0.5', as: 'y0' },
      { calculate: 'datum.epoch + 0.5', as: 'y1' },
    ],
    ...panels.facet,
    spec: {
      width: panels.width,
      height: panels.height,
      // No ARIA label per cell: a 40-epoch comparison has ~30 000 cells, and their labels were
      // half of its SVG (the tooltip still tells a cell's numbers).
      mark: { type: 'rect', aria: false },
      encoding: {
        x: { field: 'x0', type: 'quantitative', ...x },
        x2: { field: 'x1' },
        y: {
          field: 'y0',
          type: 'quantitative',
          title: 'epoch',
          scale: { domain: [-0.5, last + 0.5], reverse: true, nice: false, zero: false },
          axis: { tickMinStep: 1, format: 'd' },
        },
        y2: { field: 'y1' },
        color: {
          field: 'share',
          type: 'quantitative',
          title: 'share of weights',
          scale: options.color === 'linear' ? { scheme: 'viridis' } : { type: 'log', scheme: 'viridis' },
          legend: { labelExpr: SHARE_LABEL, orient: 'bottom', direction: 'horizontal', gradientLength: 240 },
        },
        tooltip: [
          { field: 'epoch' },
          { field: 'x0', title: log ? 'log10|w| from' : 'from', format: '.4~g' },
          { field: 'x1', title: 'to', format: '.4~g' },
          { field: 'share', format: '.3~%' },
        ],
      },
    },
    resolve: { ...panels.facet.resolve, scale: { ...panels.facet.resolve.scale, color: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec);
}
