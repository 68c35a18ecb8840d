/**
 * Histograms over epochs offset one above another (TensorBoard's offset view, a ridgeline), one
 * column per run on shared scales: epoch 0 at the top, each later epoch in front of the earlier.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { type DensityScale, evenTicks } from './axes.ts';
import { type BinningOptions, binnedHistogram, REFERENCE_BINNING } from './binning.ts';
import { maxOf } from './extent.ts';
import { runLabels, shownSpec } from './format.ts';
import { stepRows } from './overlay.ts';
import { binningText, defaultEpoch, selectionText } from './selection.ts';
import { CONFIG, figureHead, RUN_COLORS } from './theme.ts';
import { runPanels } from './wrap.ts';

/** `ridgelineSpec`'s options: the weights and binning, the ridges' scale and how far they overlap. */
export interface RidgelineOptions extends BinningOptions {
  /** Ridge heights from the density on a linear (default) or log scale. */
  readonly scale?: 'linear' | 'log';
  /** How many epoch rows the tallest ridge spans; default 2.5. */
  readonly overlap?: number;
}

/** Whole epochs 0..last, at most about 12 of them (every k-th). */
function epochTicks(last: number): number[] {
  const step = Math.max(1, Math.ceil((last + 1) / 12));
  return Array.from({ length: Math.floor(last / step) + 1 }, (_, i) => i * step);
}

/** How far above its epoch's baseline a ridge rises for density `d`: `top` (the largest density) rises `overlap` epochs; log: log1p below a floor of top/10⁴. */
export function ridgeHeight(top: number, scale: DensityScale, overlap = RIDGE_OVERLAP): (d: number) => number {
  const floor = Math.max(1e-9, top * 1e-4);
  return (d) => (scale === 'log' ? Math.log1p(d / floor) / Math.log1p(top / floor) : d / top) * overlap;
}

/** How many epochs the highest ridge rises. */
export const RIDGE_OVERLAP = 2.5;

/**
 * The runs' histograms over epochs as ridges offset one above another, a column per run (see the
 * file's comment).
 *
 * @example
 * ridgelineSpec(records, { scale: 'log', overlap: 4 })   // taller ridges, heights ∝ log density
 */
export function ridgelineSpec(runs: RunRecord[], options: RidgelineOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const range = options.range ?? REFERENCE_BINNING.range;
  const hists = runs.map((run) => snapshots(run).map((s) => ({ epoch: s.epoch, h: binnedHistogram(s, options) })));
  const all = hists.flatMap((r) => r.flatMap((e) => (e.h ? e.h.density : [])));
  const height = ridgeHeight(maxOf(all, 1e-12), options.scale ?? 'linear', options.overlap);
  const values = hists.flatMap((epochs, col) =>
    epochs.flatMap(({ epoch, h }) =>
      h ? stepRows(h).map((r) => ({ col, epoch, x: r.x, density: r.density, base: epoch, ridge: epoch - height(r.density) })) : [],
    ),
  );
  const last = defaultEpoch(runs);
  const color = (i: number) => RUN_COLORS[i % RUN_COLORS.length] ?? '#333';
  const subtitle = [
    `${selectionText(options.layer)} · ${binningText(options)} · one ridge per epoch (0 at the top), height ∝ ${options.scale === 'log' ? 'log ' : ''}density, the same in every column`,
  ];
  const panels = runPanels(labels, { tall: Math.min(360, Math.max(140, 14 * (last + 3))), subtitle });
  return shownSpec({
    ...figureHead('Weights over epochs, offset', subtitle),
    data: { values },
    ...panels.facet,
    spec: {
      width: panels.width,
      // Lower when the panels wrap: every epoch's ridge still drawn, 5.6 px apart for 40 epochs (8.4 in one row).
      height: panels.height,
      mark: { type: 'area', interpolate: 'step-after', fillOpacity: 0.75, line: { color: '#222', strokeWidth: 0.6 } },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: 'weight',
          scale: { domain: [range[0], range[1]], nice: false, zero: false },
          axis: { values: evenTicks(range, 4), format: '~g' },
        },
        y: {
          field: 'ridge',
          type: 'quantitative',
          title: 'epoch',
          scale: { domain: [-(options.overlap ?? RIDGE_OVERLAP) - 0.2, last + 0.3], reverse: true, nice: false, zero: false },
          axis: { values: epochTicks(last), format: 'd' },
        },
        y2: { field: 'base' },
        detail: { field: 'epoch', type: 'ordinal' },
        order: { field: 'epoch', type: 'quantitative' },
        color: { field: 'col', type: 'ordinal', legend: null, scale: { domain: labels.map((_, i) => i), range: labels.map((_, i) => color(i)) } },
        tooltip: [{ field: 'epoch' }, { field: 'x', title: 'bin from', format: '.4~g' }, { field: 'density', format: '.4~g' }],
      },
    },
    config: CONFIG,
  } as TopLevelSpec);
}
