/**
 * Statistics of weights: the reference experiment's histogram (100 bins over [−1, 1], as a density, with the
 * counts below, above and exactly at zero) and sparsity (fractions of |w| < 1e-3 and < 1e-2).
 * They take several arrays at once, so all of a network's weights count as one flat vector.
 */
import type { Histogram, Sparsity } from '../formats/index.ts';

/** The record's histogram: HIST_BINS bins over [HIST_LO, HIST_HI] (the reference experiment's). */
export const HIST_BINS = 100;
/** The record histogram's lower edge: −1. */
export const HIST_LO = -1;
/** The record histogram's upper edge: 1 (w > 1 is counted as `above`, w < −1 as `below`, not binned). */
export const HIST_HI = 1;

/**
 * The bin of x (lo ≤ x ≤ hi) among `bins` equal bins over [lo, hi], the top edge in the last bin:
 * ⌊x·k⌋ + o with k = bins / (hi − lo) and o = −lo·k when o is a whole number (both grids here:
 * k = 50 or 250, o = 50 or 500; x·k of a float32 x has no rounding, so the bin is exact), else
 * ⌊(x − lo)·k⌋. Subtracting lo first would round a tiny negative x away (−1e-20 + 1 = 1), into the
 * bin above 0.
 *
 * @example
 * binOf(-1e-20, -1, 1, 100)   // 49, the bin [−0.02, 0)
 * binOf(1, -1, 1, 100)        // 99
 */
export function binOf(x: number, lo: number, hi: number, bins: number): number {
  const k = bins / (hi - lo);
  const o = -lo * k;
  return Math.min(bins - 1, Number.isInteger(o) ? Math.floor(x * k) + o : Math.floor((x - lo) * k));
}

/**
 * The histogram of all the values of `parts` together, as a density over `bins` equal bins of
 * [lo, hi] (the top edge belongs to the last bin), with the counts below lo, above hi and exactly
 * at 0 (those also counted in their bin).
 *
 * Formula: density_i = count_i / (n · (hi − lo)/bins), n every value (those outside [lo, hi] too)
 *
 * @example
 * histogram([[0.5, -0.5, 0, 2]], 4)   // { lo: -1, hi: 1, density: [0, 0.5, 0.5, 0.5], below: 0, above: 1, zeros: 1, count: 4 }
 */
export function histogram(parts: readonly ArrayLike<number>[], bins = HIST_BINS, lo = HIST_LO, hi = HIST_HI): Histogram {
  const counts = new Float64Array(bins);
  const width = (hi - lo) / bins;
  let below = 0;
  let above = 0;
  let zeros = 0;
  let count = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const v = part[i] as number;
      count++;
      if (v === 0) zeros++;
      if (v < lo) below++;
      else if (v > hi) above++;
      else counts[binOf(v, lo, hi, bins)]! += 1;
    }
  }
  const density = Array.from(counts, (c) => (count === 0 ? 0 : c / (count * width)));
  return { lo, hi, density, below, above, zeros, count };
}

/**
 * The shares of all the values of `parts` together with |w| < 1e-3 and |w| < 1e-2.
 *
 * Formula: lt1e3 = #{|w| < 1e-3} / n,  lt1e2 = #{|w| < 1e-2} / n
 *
 * @example
 * sparsity([[0, 0.005, 0.5, -2e-4]])   // { lt1e3: 0.5, lt1e2: 0.75 }
 */
export function sparsity(parts: readonly ArrayLike<number>[]): Sparsity {
  let n = 0;
  let lt1e3 = 0;
  let lt1e2 = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const a = Math.abs(part[i] as number);
      n++;
      if (a < 1e-2) {
        lt1e2++;
        if (a < 1e-3) lt1e3++;
      }
    }
  }
  return { lt1e3: n === 0 ? 0 : lt1e3 / n, lt1e2: n === 0 ? 0 : lt1e2 / n };
}
