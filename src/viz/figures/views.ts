/**
 * The views of runs that the files, the report and the dashboard share — one list, so each draws
 * the same figure from the same options:
 *
 *   id            figure                                      options it reads
 *   overlay       runs' histograms at one epoch, overlaid      epoch, layer, bins, range, scale (+ penalty curves)
 *   log-abs       log10|w| at one epoch, zeros apart          epoch, layer, scale
 *   heatmap       histograms over epochs, per run             layer, bins, range, color
 *   heatmap-log   log10|w| over epochs, per run               layer, color
 *   ridgeline     histograms over epochs, offset              layer, bins, range, scale
 *   bands         percentile bands over epochs                layer
 *   curves        losses, penalty term, accuracy              smoothing
 *   penalty       λ·φ(w) and its slope                        (penalty curves)
 *   sparsity      share of |w| < 1e-3 and < 1e-2              —
 *   prune-curve   accuracy with the k % smallest |w| set to 0  —
 *   strength-sparsity, strength-accuracy   a sweep's score against λ, seeds as a band   —
 *   monitor-NAME  a user monitor's view over its sections     — (the runs' own: viewsOf)
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import type { DensityScale } from './axes.ts';
import { bandsSpec } from './bands.ts';
import type { BinningOptions } from './binning.ts';
import { curvesSpec } from './curves.ts';
import { heatmapSpec } from './heatmap.ts';
import { logAbsSpec } from './log-abs.ts';
import { monitorViewSpec, monitorViews } from './monitor-view.ts';
import { overlaySpec } from './overlay.ts';
import { type PenaltyCurve, penaltyShapesSpec } from './penalty-shapes.ts';
import { pruneCurveSpec } from './prune-curve.ts';
import { ridgelineSpec } from './ridgeline.ts';
import { sparsitySpec } from './sparsity.ts';
import { sweepSpec } from './sweep.ts';

/** Every option a view may read (each reads only its own). */
export interface ViewOptions extends BinningOptions {
  readonly epoch?: number;
  /** The density (or share) axis: linear or log. */
  readonly scale?: DensityScale;
  /** Heatmap colours: log (default) or linear. */
  readonly color?: 'linear' | 'log';
  /** Moving-average weight of per-batch curves. */
  readonly smoothing?: number;
}

/** What some views need besides the records: the penalties sampled in Node (`penaltyCurves`). */
export interface ViewData {
  readonly penalties?: readonly PenaltyCurve[];
  /** Penalty specs that could not be sampled. */
  readonly missingPenalties?: readonly string[];
}

/** A view: a figure the report, the dashboard and the files draw by id, from run records and the page's options. */
export interface View {
  /** Its id in URLs and file names, e.g. `overlay`, `heatmap-log`, `monitor-NAME`. */
  readonly id: string;
  /** A heading for pages. */
  readonly title: string;
  /** Whether it shows one epoch (follows the epoch slider). */
  readonly perEpoch: boolean;
  /** Whether it draws the penalties' shapes (`ViewData.penalties`, sampled in Node). */
  readonly needsPenalties?: true;
  /** Its Vega-Lite spec for `runs`. */
  spec(runs: RunRecord[], options: ViewOptions, data: ViewData): TopLevelSpec;
}

const binning = (o: ViewOptions): BinningOptions => ({
  ...(o.layer ? { layer: o.layer } : {}),
  ...(o.bins ? { bins: o.bins } : {}),
  ...(o.range ? { range: o.range } : {}),
});

/**
 * Every built-in view, in the order pages list them (a user monitor's view comes after, see `viewsOf`).
 *
 * @example
 * VIEWS.find((v) => v.id === 'sparsity')?.spec(records, {}, {})   // sparsitySpec(records)
 */
export const VIEWS: readonly View[] = [
  {
    id: 'overlay',
    title: 'Runs overlaid',
    perEpoch: true,
    needsPenalties: true,
    spec: (runs, o, d) =>
      overlaySpec(runs, {
        ...binning(o),
        ...(o.epoch === undefined ? {} : { epoch: o.epoch }),
        scale: o.scale ?? 'linear',
        ...(d.penalties ? { penalties: d.penalties } : {}),
      }),
  },
  {
    id: 'log-abs',
    title: '|w| on a log axis',
    perEpoch: true,
    spec: (runs, o) =>
      logAbsSpec(runs, { ...(o.layer ? { layer: o.layer } : {}), ...(o.epoch === undefined ? {} : { epoch: o.epoch }), scale: o.scale ?? 'linear' }),
  },
  { id: 'heatmap', title: 'Weights over epochs', perEpoch: false, spec: (runs, o) => heatmapSpec(runs, { ...binning(o), color: o.color ?? 'log' }) },
  {
    id: 'heatmap-log',
    title: 'log10|w| over epochs',
    perEpoch: false,
    spec: (runs, o) => heatmapSpec(runs, { ...binning(o), axis: 'logabs', color: o.color ?? 'log' }),
  },
  { id: 'ridgeline', title: 'Offset over epochs', perEpoch: false, spec: (runs, o) => ridgelineSpec(runs, { ...binning(o), scale: o.scale ?? 'linear' }) },
  { id: 'bands', title: 'Distributions over epochs', perEpoch: false, spec: (runs, o) => bandsSpec(runs, o.layer ? { layer: o.layer } : {}) },
  { id: 'curves', title: 'Training curves', perEpoch: false, spec: (runs, o) => curvesSpec(runs, o.smoothing === undefined ? {} : { smoothing: o.smoothing }) },
  {
    id: 'penalty',
    title: 'Penalty shapes',
    perEpoch: false,
    needsPenalties: true,
    spec: (_runs, _o, d) => penaltyShapesSpec(d.penalties ?? [], d.missingPenalties ? { missing: d.missingPenalties } : {}),
  },
  { id: 'sparsity', title: 'Sparsity', perEpoch: false, spec: (runs) => sparsitySpec(runs) },
  { id: 'prune-curve', title: 'Prune curve', perEpoch: false, spec: (runs) => pruneCurveSpec(runs) },
  { id: 'strength-sparsity', title: 'Sparsity against strength', perEpoch: false, spec: (runs) => sweepSpec(runs, 'sparsity') },
  { id: 'strength-accuracy', title: 'Test accuracy against strength', perEpoch: false, spec: (runs) => sweepSpec(runs, 'accuracy') },
];

/** The id of a user monitor's view. */
export const MONITOR_VIEW = 'monitor-';

/** The view of user monitor `name` (its spec drawn over its sections, see monitor-view.ts). */
function monitorView(name: string, title: string): View {
  return { id: `${MONITOR_VIEW}${name}`, title, perEpoch: false, spec: (runs) => monitorViewSpec(runs, name) };
}

/** The views of `runs`: every view of VIEWS, then the views their user monitors bring. */
export function viewsOf(runs: readonly RunRecord[]): View[] {
  return [...VIEWS, ...monitorViews(runs).map((m) => monitorView(m.name, m.view.title))];
}

/** The view of an id (`monitor-NAME` for a user monitor's view); undefined for an unknown id. */
export function viewById(id: string): View | undefined {
  if (id.startsWith(MONITOR_VIEW) && id.length > MONITOR_VIEW.length)
    return monitorView(id.slice(MONITOR_VIEW.length), `Monitor ${id.slice(MONITOR_VIEW.length)}`);
  return VIEWS.find((v) => v.id === id);
}
