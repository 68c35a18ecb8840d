/**
 * Rows for the figures, taken from a `RunRecord`: one row per histogram bin, per epoch and per
 * run, plus lookups of a snapshot by epoch and of the density range a set of histograms needs.
 */

import { type Histogram, type RunRecord, snapshots, type WeightsSnapshot } from '../../formats/index.ts';
import { maxOf, minOf } from './extent.ts';
import { grouped } from './format.ts';

/** One histogram bar: the bin [x0, x1) and its density. */
export interface BinRow {
  readonly bin: number;
  readonly x0: number;
  readonly x1: number;
  readonly density: number;
}

/** The bars of a histogram, in bin order. */
export function binRows(h: Pick<Histogram, 'lo' | 'hi' | 'density'>): BinRow[] {
  const width = (h.hi - h.lo) / h.density.length;
  return h.density.map((density, bin) => ({ bin, x0: h.lo + bin * width, x1: h.lo + (bin + 1) * width, density }));
}

/** The snapshot of `epoch`: 0 is the initial model, otherwise the finished epoch of that number. */
export function snapshotAt(run: RunRecord, epoch: number): WeightsSnapshot {
  const found = snapshots(run).find((s) => s.epoch === epoch);
  if (!found) {
    const last = run.epochs.at(-1)?.epoch ?? 0;
    throw new RangeError(`run ${run.config.name} has no epoch ${epoch} (it has epochs 0..${last})`);
  }
  return found;
}

/** How the figures and the report name a layer's non-trainable weights: `bn (non-trainable)`. */
export const NON_TRAINABLE = ' (non-trainable)';

/**
 * The histogram of one layer's trainable weights in a snapshot, of its non-trainable ones for
 * `<layer> (non-trainable)`, or of all trainable weights for `all`.
 */
export function layerHistogram(s: WeightsSnapshot, layer: string): Histogram | undefined {
  if (layer === 'all') return s.histogram;
  if (layer.endsWith(NON_TRAINABLE)) return s.nonTrainable?.layers.find((l) => l.name === layer.slice(0, -NON_TRAINABLE.length))?.histogram;
  return s.layers.find((l) => l.name === layer)?.histogram;
}

/**
 * The line saying what "all weights" leaves out, for subtitles: `1 234 non-trainable weights (bn
 * moving statistics, …) are apart, not among them`; none when the snapshot has none.
 */
export function nonTrainableLine(s: WeightsSnapshot): string[] {
  const n = s.nonTrainable;
  if (!n || n.count === 0) return [];
  const names = n.layers.flatMap((l) => (l.weights ?? []).map((w) => w.name));
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ');
  return [`${grouped(n.count)} non-trainable weights (${shown}) are apart, not among them`];
}

/** The last epoch of a run (0 when none finished). */
export function lastEpoch(run: RunRecord): number {
  return run.epochs.at(-1)?.epoch ?? 0;
}

/** The x range shared by histograms (the widest [lo, hi] among them). */
export function weightRange(hs: readonly Histogram[]): [number, number] {
  return [minOf(hs.map((h) => h.lo)), maxOf(hs.map((h) => h.hi))];
}

/** The largest density among histograms (for a shared y axis). */
export function maxDensity(hs: readonly Histogram[]): number {
  return maxOf(
    hs.map((h) => maxOf(h.density, 0)),
    0,
  );
}

/** The density of a single weight in one bin: the smallest non-zero density the histograms can show. */
export function oneWeightDensity(hs: readonly Histogram[]): number {
  const one = hs.map((h) => h.density.length / ((h.hi - h.lo) * Math.max(1, h.count)));
  return one.length ? minOf(one) : 1e-3;
}
