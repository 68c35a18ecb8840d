/**
 * What the report's page script needs, computed in Node: per run the title of every epoch and the
 * histograms of every layer (and of all weights), indexed by epoch, and per layer the y axis that
 * all runs and epochs share (its top, and the symlog constant and ticks of the log view); and,
 * when the runs recorded channel norms, per run and epoch each layer's binned channel norms (on
 * limits shared by all runs, layers and epochs), the constraint's projected share and bounds.
 */

import { type Histogram, type RunRecord, snapshots } from '../../formats/index.ts';
import {
  allEpochs,
  boundRules,
  defaultEpoch,
  type EpochTitle,
  epochTitle,
  lastEpoch,
  layerBounds,
  layerHistogram,
  layerNormLimits,
  logTicks,
  maxDensity,
  NON_TRAINABLE,
  NORM_BINS,
  niceMax,
  normBins,
  normCellNote,
  normLayerLabel,
  oneWeightDensity,
  runLabels,
  snapshotNorms,
  visibleControls,
} from '../figures/index.ts';
import { type ViewsModel, viewsModel } from './views-model.ts';

/** `all` (every weight) first, then the layers in model order. */
export const ALL_LAYERS = 'all';

/** A histogram as the page draws it: its range and densities. */
export interface HistogramData {
  readonly lo: number;
  readonly hi: number;
  readonly density: number[];
}

/** A layer's y axis, shared by every run and epoch: its top, and the log view's symlog constant and ticks. */
export interface AxisModel {
  readonly ymax: number;
  /** The symlog constant: one weight's density. */
  readonly symc: number;
  readonly yticks: number[];
}

/** One run of the page: its label, each epoch's title, histograms by layer and epoch, channel norms and bounds. */
export interface RunModel {
  /** Its legend label (`runLabels`) as the figures show it (`visibleControls`): the rows the page sets match their specs' colours. */
  readonly label: string;
  /** Indexed by epoch (0..lastEpoch): `epoch=E loss=L acc=A` as `epoch-NNN.png` writes it (`epochTitle`), or why there is none. */
  readonly titles: EpochTitle[];
  /** Per layer (and `all`), indexed by epoch; null where the run has no such epoch or layer. */
  readonly hist: Record<string, Array<HistogramData | null>>;
  /** Channel norms indexed by epoch, then by layer (`NormsModel.layers`); null where not recorded. */
  readonly norms: Array<Array<NormCell | null> | null>;
  /** Per norms layer (`NormsModel.layers`), the bounds of the norm constraint on its kernel as rules (none where it has none). */
  readonly bounds: Array<Array<{ bound: number; label: string }>>;
}

/** One layer's channel norms at one epoch: the share of channels in each bin of [0, the layer's xMax]. */
export interface NormCell {
  readonly shares: number[];
  /** Channels whose norm exceeds xMax. */
  readonly above: number;
  /** Share of the kernel's output channels (last axis) in which the constraint changed a weight during the epoch, when recorded. */
  readonly projected?: number;
  /** The cell's note (`projected 12.5%`, norms beyond xMax), or ''. */
  readonly note: string;
}

/** The layers and limits of the norm histograms. */
export interface NormsModel {
  readonly layers: string[];
  /** `conv2d_2 · 64 ch`; an Embedding's `emb · 20 rows`. */
  readonly labels: string[];
  /** Per layer, the right end of its norm axis. */
  readonly xMax: number[];
  readonly yMax: number;
  readonly bins: number;
}

/** What the report page's script draws from (see the file's comment): per run and epoch its histograms and norms, per layer the axes. */
export interface PageModel {
  /** The last epoch of the longest run (the epoch slider's end). */
  readonly lastEpoch: number;
  /** `all`, then each layer's trainable weights, then its non-trainable ones. */
  readonly layers: string[];
  /** Per layer (and `all`), the y axis every run and epoch shares. */
  readonly axes: Record<string, AxisModel>;
  /** Per run, in order. */
  readonly runs: RunModel[];
  /** Absent when no run recorded channel norms. */
  readonly norms?: NormsModel;
  /** The data of the views beyond the histogram (log10|w|, percentiles), per run. */
  readonly views: ViewsModel;
}

/** The layers the page can show: each layer's trainable weights, then (labelled) its non-trainable ones. */
function layerNames(runs: readonly RunRecord[]): string[] {
  const names: string[] = [];
  const add = (n: string) => void (names.includes(n) ? undefined : names.push(n));
  for (const run of runs) for (const l of run.initial.layers) add(l.name);
  for (const run of runs) for (const l of run.initial.nonTrainable?.layers ?? []) add(`${l.name}${NON_TRAINABLE}`);
  return names;
}

/**
 * The page model of `runs` (see the file's comment), computed once in Node and embedded in the page.
 *
 * @example
 * pageModel(records).runs[0]?.hist['all']?.[3]   // run 1's histogram of all weights at epoch 3
 */
export function pageModel(runs: readonly RunRecord[]): PageModel {
  const last = defaultEpoch(runs);
  const layers = [ALL_LAYERS, ...layerNames(runs)];
  const labels = runLabels(runs);
  const epochs = allEpochs(runs);
  const normsModel = normsOf(runs);
  const runModels = runs.map((run, i): RunModel => {
    const byEpoch = new Map(snapshots(run).map((s) => [s.epoch, s]));
    const titles = epochs.map((e) => {
      const s = byEpoch.get(e);
      return s ? epochTitle(s) : { lines: [`epoch=${e}: not reached (last epoch ${lastEpoch(run)})`], fullNames: [] };
    });
    const hist = Object.fromEntries(
      layers.map((layer) => {
        const hs = epochs.map((e) => {
          const s = byEpoch.get(e);
          const h = s && layerHistogram(s, layer);
          return h ? { lo: h.lo, hi: h.hi, density: h.density.map(round6) } : null;
        });
        return [layer, hs];
      }),
    );
    const norms = epochs.map((e) => {
      const s = byEpoch.get(e);
      const ns = s ? snapshotNorms(s) : [];
      if (!ns.length || !normsModel) return null;
      return normsModel.layers.map((layer, col): NormCell | null => {
        const n = ns.find((l) => l.layer === layer);
        if (!n) return null;
        const xMax = normsModel.xMax[col] as number;
        const { rows, above } = normBins(n.norms, xMax, normsModel.bins);
        return {
          shares: rows.map((r) => round6(r.share)),
          above,
          ...(n.projected === undefined ? {} : { projected: round6(n.projected) }),
          note: normCellNote(n.projected, above, xMax),
        };
      });
    });
    return {
      label: visibleControls(labels[i] ?? run.config.penalty),
      titles,
      hist,
      norms,
      bounds: (normsModel?.layers ?? []).map((layer) => boundRules(layerBounds(run, layer))),
    };
  });
  const axes = Object.fromEntries(
    layers.map((layer) => {
      const hs = runs.flatMap((run) => snapshots(run).flatMap((s) => layerHistogram(s, layer) ?? []));
      return [layer, axisOf(hs)];
    }),
  );
  return { lastEpoch: last, layers, axes, runs: runModels, ...(normsModel ? { norms: normsModel } : {}), views: viewsModel(runs, layers, epochs) };
}

/** The norm histograms' layers and limits (each layer's norm axis, one share axis), shared by all runs and epochs; none without norms. */
function normsOf(runs: readonly RunRecord[]): NormsModel | undefined {
  const { layers, xMax, yMax } = layerNormLimits(runs.flatMap((run) => snapshots(run).map((s) => ({ run, epoch: s.epoch }))));
  if (!layers.length) return undefined;
  const labels = layers.map((layer) => normLayerLabel(runs, layer));
  return { layers, labels, xMax, yMax, bins: NORM_BINS };
}

/** Six significant digits are plenty for drawing and keep the page small. */
function round6(x: number): number {
  return Number(x.toPrecision(6));
}

function axisOf(hs: readonly Histogram[]): AxisModel {
  const ymax = niceMax(maxDensity(hs));
  const symc = oneWeightDensity(hs);
  return { ymax, symc, yticks: logTicks(symc, ymax) };
}
