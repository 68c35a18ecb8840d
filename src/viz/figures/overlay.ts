/**
 * Several runs' histograms at one epoch on shared axes: one step line per run (its colour), on a
 * linear or log density axis — the comparison TensorBoard cannot draw. Optionally each run's
 * penalty λ·φ(w), drawn faintly (dashed, right axis) over the weights it acts on — not for a run
 * without one (`none`: λ·φ = 0 everywhere would only draw a line along the axis).
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { type DensityScale, evenTicks } from './axes.ts';
import { type BinningOptions, binnedHistogram, REFERENCE_BINNING } from './binning.ts';
import { fitToCard } from './fit-width.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { sharedDensity } from './histogram-scale.ts';
import type { PenaltyCurve } from './penalty-shapes.ts';
import { binningText, defaultEpoch, selectionText } from './selection.ts';
import { CONFIG, figureHead, runColor, SIZE } from './theme.ts';

/** `overlaySpec`'s options: the epoch, the weights and binning, the density axis, penalty curves to draw over. */
export interface OverlayOptions extends BinningOptions {
  /** The epoch (0 = initial); default the last epoch of the longest run. */
  readonly epoch?: number;
  /** The density axis: linear (default) or log. */
  readonly scale?: DensityScale;
  /** Penalty curves to draw faintly over the histograms (see `penaltyShapesSpec`); matched to runs by penalty spec. */
  readonly penalties?: readonly PenaltyCurve[];
}

/** Step-line rows of a histogram: one point per bin start, and the last bin's end. */
export function stepRows(h: { lo: number; hi: number; density: number[] }): Array<{ x: number; density: number }> {
  const width = (h.hi - h.lo) / h.density.length;
  return [...h.density.map((density, i) => ({ x: h.lo + i * width, density })), { x: h.hi, density: h.density.at(-1) ?? 0 }];
}

/**
 * The runs' histograms at one epoch on shared axes (see the file's comment).
 *
 * @example
 * overlaySpec(records, { epoch: 3 })   // a Vega-Lite spec: one step line per run
 */
export function overlaySpec(runs: RunRecord[], options: OverlayOptions = {}): TopLevelSpec {
  const labels = runLabels(runs);
  const epoch = options.epoch ?? defaultEpoch(runs);
  const range = options.range ?? REFERENCE_BINNING.range;
  const found = runs.map((run) => {
    const s = snapshots(run).find((x) => x.epoch === epoch);
    return s && binnedHistogram(s, options);
  });
  const missing = labels.filter((_, i) => !found[i]);
  const hs = found.flatMap((h) => (h ? [h] : []));
  const values: object[] = found.flatMap((h, i) => (h ? stepRows(h).map((r) => ({ kind: 'bin', run: labels[i], ...r })) : []));
  const penaltyRows = (options.penalties ?? []).flatMap((c) =>
    runs.some((r) => r.config.penalty === c.spec) && c.points.some((p) => p.value !== 0)
      ? c.points
          .filter((p) => p.w >= range[0] && p.w <= range[1])
          .map((p) => ({ kind: 'penalty', run: labels[runs.findIndex((r) => r.config.penalty === c.spec)], w: p.w, value: p.value }))
      : [],
  );
  const x = {
    type: 'quantitative' as const,
    title: 'weight',
    scale: { domain: [range[0], range[1]], nice: false, zero: false },
    axis: { values: evenTicks(range, 10), format: '.4~g' },
  };
  const color = { ...runColor(labels), title: runLabelsTitle(runs) };
  const lines = {
    transform: [{ filter: "datum.kind === 'bin'" }],
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
    encoding: {
      x: { field: 'x', ...x },
      y: sharedDensity(hs, { scale: options.scale ?? 'linear' }),
      color,
      tooltip: [
        { field: 'run', title: runLabelsTitle(runs) },
        { field: 'x', title: 'bin from', format: '.4~g' },
        { field: 'density', format: '.4~g' },
      ],
    },
  };
  const faint = {
    transform: [{ filter: "datum.kind === 'penalty'" }],
    mark: { type: 'line', strokeDash: [5, 3], strokeWidth: 1.2, opacity: 0.55 },
    encoding: {
      x: { field: 'w', ...x },
      y: { field: 'value', type: 'quantitative', title: 'λ·φ(w) (dashed)', axis: { orient: 'right', format: '~g', grid: false } },
      color,
    },
  };
  const notes = [
    ...(missing.length ? [`not reached by ${missing.join(', ')}`] : []),
    ...(penaltyRows.length ? ["dashed: each run's penalty λ·φ(w), right axis"] : []),
  ];
  const subtitle = [
    `${selectionText(options.layer)} · ${binningText(options)} · ${options.scale === 'log' ? 'log' : 'linear'} density · one line per run`,
    ...notes,
  ];
  return shownSpec({
    ...figureHead(`Runs overlaid at epoch ${epoch}`, subtitle),
    ...SIZE.single,
    // Narrower on a page's narrow card; the penalties' axis on the right too.
    params: fitToCard({ plots: [SIZE.single.width], axes: penaltyRows.length ? 2 : 1 }, subtitle),
    data: { values: [...values, ...penaltyRows] },
    layer: penaltyRows.length ? [lines, faint] : [lines],
    ...(penaltyRows.length ? { resolve: { scale: { y: 'independent' } } } : {}),
    config: CONFIG,
  } as TopLevelSpec);
}
