/**
 * Histograms for the figures at any binning, from what a snapshot recorded:
 *
 *   weights chosen (all · kernels · biases · a layer · one weight tensor)
 *   ─► their fine counts summed (1000 bins over [−2, 2]; log10|w|: 240 bins), or, in records
 *      without fine histograms, the recorded 100-bin histogram as counts
 *   ─► re-binned to the bins and range asked for ─► a density (`Histogram`) or shares per bin
 *
 * Re-binning splits a fine bin between the new bins it overlaps in proportion to the overlap (a
 * flat density inside each fine bin): exact when the new edges fall on the fine grid (every
 * multiple of 0.004 on the linear grid, e.g. the reference 100 bins over [−1, 1]).
 */

import type { FineHistogram, Histogram, LayerStats, WeightStats, WeightsSnapshot } from '../../formats/index.ts';
import { decodeCounts, weightPath } from '../../formats/index.ts';
import { layerHistogram, NON_TRAINABLE } from './data.ts';

/** Counts in equal bins over [lo, hi], with what falls outside or is exactly 0. */
export interface BinCounts {
  readonly lo: number;
  readonly hi: number;
  readonly counts: Float64Array;
  readonly below: number;
  readonly above: number;
  readonly zeros: number;
  readonly count: number;
  /** True when these come from the fine histograms (false: from the recorded 100 bins). */
  readonly fine: boolean;
}

/** Which weights and which bins a histogram figure shows. */
export interface BinningOptions {
  /** `all` (default), `kernels`, `biases`, a layer name (`dense_1`) or a weight's path (`dense_1/kernel`, `encoder/dense/kernel`: see `weightPath`). */
  readonly layer?: string;
  /** Bins over the range; default 100 (the reference experiment's). */
  readonly bins?: number;
  /** The weight range; default [−1, 1]. */
  readonly range?: readonly [number, number];
}

/** The reference experiment's binning: 100 bins over [−1, 1]. */
export const REFERENCE_BINNING = { bins: 100, range: [-1, 1] } as const;

/** The weight tensors a selection names in a snapshot; undefined when it names none. */
export function selectWeights(s: WeightsSnapshot, layer = 'all'): WeightStats[] | undefined {
  const all = s.layers.flatMap((l) => l.weights ?? []);
  if (layer === 'all') return all.length ? all : undefined;
  const fixed = s.nonTrainable?.layers ?? [];
  if (layer.endsWith(NON_TRAINABLE)) return fixed.find((l) => l.name === layer.slice(0, -NON_TRAINABLE.length))?.weights;
  if (layer === 'kernels' || layer === 'biases') {
    const some = all.filter((w) => w.kind === (layer === 'kernels' ? 'kernel' : 'bias'));
    return some.length ? some : undefined;
  }
  const ofLayer = s.layers.find((l) => l.name === layer)?.weights;
  if (ofLayer?.length) return ofLayer;
  const one = namedWeight(s, layer);
  return one ? [one] : undefined;
}

/**
 * The weight tensor `name` names in a snapshot: the one whose path (`weightPath`) it is, else the
 * one weight of that name (`dense/kernel` for a nested model's only `dense`); undefined when it
 * names none, or two weights of that name without their path.
 */
function namedWeight(s: WeightsSnapshot, name: string): WeightStats | undefined {
  const all = [...s.layers, ...(s.nonTrainable?.layers ?? [])].flatMap((l: LayerStats) =>
    (l.weights ?? []).map((w) => ({ path: weightPath(l.name, w.name), w })),
  );
  const named = all.filter((x) => x.w.name === name);
  return (all.find((x) => x.path === name) ?? (named.length === 1 ? named[0] : undefined))?.w;
}

/** The recorded 100-bin histogram of a selection, for records without fine histograms. */
function recordedHistogram(s: WeightsSnapshot, layer: string): Histogram | undefined {
  return layerHistogram(s, layer) ?? namedWeight(s, layer)?.histogram;
}

/** A fine histogram's counts. */
export function fineCounts(f: FineHistogram): BinCounts {
  return { lo: f.lo, hi: f.hi, counts: decodeCounts(f.counts, f.bins), below: f.below, above: f.above, zeros: f.zeros, count: f.count, fine: true };
}

/** A recorded density histogram back as counts. */
export function histogramCounts(h: Histogram): BinCounts {
  const width = (h.hi - h.lo) / h.density.length;
  return {
    lo: h.lo,
    hi: h.hi,
    counts: Float64Array.from(h.density, (d) => d * width * h.count),
    below: h.below,
    above: h.above,
    zeros: h.zeros,
    count: h.count,
    fine: false,
  };
}

/** Counts on one grid added up. */
export function sumCounts(parts: readonly BinCounts[]): BinCounts | undefined {
  const first = parts[0];
  if (!first) return undefined;
  const counts = new Float64Array(first.counts.length);
  let [below, above, zeros, count] = [0, 0, 0, 0];
  for (const p of parts) {
    if (p.lo !== first.lo || p.hi !== first.hi || p.counts.length !== counts.length) throw new RangeError('fine histograms on different grids cannot be added');
    for (let i = 0; i < counts.length; i++) counts[i]! += p.counts[i] as number;
    [below, above, zeros, count] = [below + p.below, above + p.above, zeros + p.zeros, count + p.count];
  }
  return { ...first, counts, below, above, zeros, count };
}

/** The linear counts of a selection: from the fine histograms when every selected tensor has one. */
export function linearCounts(s: WeightsSnapshot, layer = 'all'): BinCounts | undefined {
  const ws = selectWeights(s, layer);
  if (ws?.every((w) => w.fine)) return sumCounts(ws.map((w) => fineCounts(w.fine as FineHistogram)));
  const h = recordedHistogram(s, layer);
  return h ? histogramCounts(h) : undefined;
}

/** The log10|w| counts of a selection; undefined in records without them. */
export function logAbsCounts(s: WeightsSnapshot, layer = 'all'): BinCounts | undefined {
  const ws = selectWeights(s, layer);
  return ws?.every((w) => w.logAbs) ? sumCounts(ws.map((w) => fineCounts(w.logAbs as FineHistogram))) : undefined;
}

/**
 * `c` re-binned to `bins` equal bins over [lo, hi]: each source bin split by overlap; what falls
 * outside the new range is added to `below`/`above`.
 */
export function rebin(c: BinCounts, bins: number, range: readonly [number, number]): BinCounts {
  const [lo, hi] = range;
  if (!(Number.isInteger(bins) && bins >= 1) || !(hi > lo)) throw new RangeError(`cannot re-bin to ${bins} bins over [${lo}, ${hi}]`);
  const out = new Float64Array(bins);
  const src = (c.hi - c.lo) / c.counts.length;
  const dst = (hi - lo) / bins;
  let [below, above] = [c.below, c.above];
  for (let i = 0; i < c.counts.length; i++) {
    const n = c.counts[i] as number;
    if (n === 0) continue;
    const a = c.lo + i * src;
    const b = a + src;
    const k0 = Math.floor((a - lo) / dst + 1e-9);
    const k1 = Math.ceil((b - lo) / dst - 1e-9) - 1;
    if (b <= lo + 1e-9 * src) below += n;
    else if (a >= hi - 1e-9 * src) above += n;
    else if (k0 === k1)
      out[k0]! += n; // inside one new bin: exact
    else {
      below += (n * Math.max(0, lo - a)) / src;
      above += (n * Math.max(0, b - hi)) / src;
      const from = Math.max(0, Math.floor((Math.max(a, lo) - lo) / dst + 1e-9));
      const to = Math.min(bins - 1, Math.ceil((Math.min(b, hi) - lo) / dst - 1e-9) - 1);
      for (let k = from; k <= to; k++) {
        const overlap = Math.min(b, lo + (k + 1) * dst) - Math.max(a, lo + k * dst);
        if (overlap > 0) out[k]! += (n * overlap) / src;
      }
    }
  }
  return { ...c, lo, hi, counts: out, below, above };
}

/** Counts as a density histogram (Σ density·width = share inside [lo, hi]). */
export function toDensity(c: BinCounts): Histogram {
  const width = (c.hi - c.lo) / c.counts.length;
  const n = Math.max(1, c.count);
  return {
    lo: c.lo,
    hi: c.hi,
    density: Array.from(c.counts, (k) => k / (n * width)),
    below: Math.round(c.below),
    above: Math.round(c.above),
    zeros: c.zeros,
    count: c.count,
  };
}

/** The histogram of a selection at a binning (default the reference's 100 bins over [−1, 1]); undefined when the snapshot lacks the selection. */
export function binnedHistogram(s: WeightsSnapshot, options: BinningOptions = {}): Histogram | undefined {
  const c = linearCounts(s, options.layer);
  return c && toDensity(rebin(c, options.bins ?? REFERENCE_BINNING.bins, options.range ?? REFERENCE_BINNING.range));
}

/**
 * The percentiles of a selection (min, 7, 16, 31, 50, 69, 84, 93 %, max): as recorded, or, in
 * records without them, read off the histogram (`estimated`; weights outside its range at its edges).
 */
export function selectionPercentiles(s: WeightsSnapshot, layer = 'all'): { values: number[]; estimated: boolean } | undefined {
  const ws = selectWeights(s, layer);
  const recorded =
    layer === 'all'
      ? s.percentiles
      : (s.layers.find((l) => l.name === layer)?.percentiles ?? (ws?.length === 1 ? namedWeight(s, layer)?.percentiles : undefined));
  if (recorded?.length) return { values: recorded, estimated: false };
  const c = linearCounts(s, layer);
  return c ? { values: percentilesOfCounts(c), estimated: true } : undefined;
}

/** The percentiles of binned counts, interpolated inside bins. */
export function percentilesOfCounts(c: BinCounts, ps: readonly number[] = [0, 7, 16, 31, 50, 69, 84, 93, 100]): number[] {
  const width = (c.hi - c.lo) / c.counts.length;
  const total = c.below + c.above + c.counts.reduce((s, k) => s + k, 0);
  return ps.map((p) => {
    let need = (p / 100) * total - c.below;
    if (need < 0 || (need === 0 && c.below > 0)) return c.lo;
    for (let i = 0; i < c.counts.length; i++) {
      const k = c.counts[i] as number;
      if (need <= k && k > 0) return c.lo + (i + need / k) * width;
      need -= k;
    }
    return c.hi;
  });
}
