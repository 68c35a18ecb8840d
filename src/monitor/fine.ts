/**
 * Fine histograms of weights, kept in the record so figures can re-bin them without retraining:
 *
 *   linear     1000 bins over [−2, 2] (0.004 wide; the reference 100 bins over [−1, 1] are 5 of them each)
 *   log10abs   240 bins over log10|w| ∈ [−10, 2] (20 per decade), exact zeros counted apart
 *
 * Counts, not densities (they add up across tensors, so a layer's or all weights' histogram is the
 * sum of its tensors'), stored as run-length text (see counts.ts).
 */
import type { FineHistogram } from '../formats/index.ts';
import { encodeCounts } from '../formats/index.ts';
import { binOf } from './stats.ts';

/** A fine histogram's grid: `bins` equal bins over [lo, hi] (of w, or of log10|w|). */
export interface FineGrid {
  readonly lo: number;
  readonly hi: number;
  readonly bins: number;
}

/** The linear grid: 1000 bins over [−2, 2]. */
export const FINE_LINEAR: FineGrid = { lo: -2, hi: 2, bins: 1000 };
/** The log grid: 240 bins over log10|w| ∈ [−10, 2], i.e. |w| from 1e-10 to 100, 20 per decade. */
export const FINE_LOG: FineGrid = { lo: -10, hi: 2, bins: 240 };

/** Counts of x(w) in the grid: w itself (`linear`) or log10|w| (`log10abs`, where w = 0 has no x). */
function tally(parts: readonly ArrayLike<number>[], grid: FineGrid, scale: FineHistogram['scale']): FineHistogram {
  const counts = new Float64Array(grid.bins);
  let [below, above, zeros, count] = [0, 0, 0, 0];
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const v = part[i] as number;
      count++;
      if (v === 0) zeros++;
      const x = scale === 'linear' ? v : v === 0 ? NaN : Math.log10(Math.abs(v));
      if (x < grid.lo) below++;
      else if (x > grid.hi) above++;
      else if (!Number.isNaN(x)) counts[binOf(x, grid.lo, grid.hi, grid.bins)]! += 1;
    }
  }
  return { scale, ...grid, counts: encodeCounts(counts), below, above, zeros, count };
}

/**
 * Counts of w in the linear grid; `below`/`above`: w < lo / w > hi (the top edge belongs to the
 * last bin); `zeros`: w = 0 exactly (counted in its bin too).
 *
 * @example
 * fineHistogram([new Float32Array([0, 0.001, -3])]).below   // 1
 */
export function fineHistogram(parts: readonly ArrayLike<number>[], grid: FineGrid = FINE_LINEAR): FineHistogram {
  return tally(parts, grid, 'linear');
}

/**
 * Counts of log10|w| in the log grid. Exact zeros are counted apart (`zeros`, in no bin);
 * `below`: 0 < |w| < 10^lo; `above`: |w| > 10^hi.
 *
 * @example
 * logAbsHistogram([[0, 1e-5, -1e-5, 0.3]])   // zeros 1; 2 in the bin of 1e-5; 1 in the bin of 0.3
 */
export function logAbsHistogram(parts: readonly ArrayLike<number>[], grid: FineGrid = FINE_LOG): FineHistogram {
  return tally(parts, grid, 'log10abs');
}
