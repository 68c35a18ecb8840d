/**
 * The density axis for a set of histograms drawn together: linear up to their largest density
 * (or a given maximum), or symlog with one weight's density as its constant and powers of ten
 * as ticks. Every histogram figure gets its y encoding from here, so shared axes really agree.
 */
import type { PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import type { Histogram } from '../../formats/index.ts';
import { type DensityScale, densityEncoding, logTicks } from './axes.ts';
import { maxDensity, oneWeightDensity } from './data.ts';

/** The density axis of histograms drawn together: its scale and, to share it across charts, its top. */
export interface HistogramScaleOptions {
  /** Linear (default) or log (symlog). */
  readonly scale?: DensityScale;
  /** A fixed top of the y axis (so several charts share axes); default: the largest density. */
  readonly yMax?: number;
}

/** The y encoding shared by `hs`, with an explicit domain [0, yMax]. */
export function sharedDensity(hs: readonly Histogram[], options: HistogramScaleOptions = {}): PositionDef<string> {
  const scale = options.scale ?? 'linear';
  const yMax = options.yMax ?? niceMax(maxDensity(hs));
  if (scale === 'linear') return densityEncoding({ scale, yMax });
  const floor = oneWeightDensity(hs);
  return densityEncoding({ scale, yMax, floor, ticks: logTicks(floor, yMax) });
}

/** A round number just above `x` (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k), for axis tops. */
export function niceMax(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * p >= x * (1 - 1e-12)) ?? 10;
  return Number((step * p).toPrecision(12));
}
