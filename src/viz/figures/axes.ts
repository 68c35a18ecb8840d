/**
 * Axis and scale definitions shared by the figures: the weight (x) axis over the histogram range,
 * the density (y) axis, linear or symlog, and the epoch axis of the line charts. Values may be
 * numbers or Vega expressions, so the report can drive them with signals.
 */
import type { Position2Def, PositionDef } from 'vega-lite/types_unstable/channeldef.js';

/** The density (y) axis of a histogram: linear, or `log` (symlog, so empty bins stay at 0). */
export type DensityScale = 'linear' | 'log';
/** A value, or a Vega expression giving one (for the report's signals). */
export type Dynamic<T> = T | { expr: string };

/** The x, x2, y and y2 encodings of a histogram's bars (bin start to end, 0 to its density). */
export interface BarsEncoding {
  x: PositionDef<string>;
  x2: Position2Def<string>;
  y: PositionDef<string>;
  y2: Position2Def<string>;
}

/** `parts` + 1 evenly spaced values from lo to hi (the weight axis ticks). */
export function evenTicks(range: readonly [number, number], parts: number): number[] {
  const [lo, hi] = range;
  return Array.from({ length: parts + 1 }, (_, i) => Number((lo + ((hi - lo) * i) / parts).toPrecision(10)));
}

/**
 * Histogram bars: from x0 to x1 over the weight range [lo, hi], from 0 up to the density `y`;
 * `ticks` intervals on the weight axis (10 for a full-size chart, 4 for small panels).
 */
export function barsEncoding(range: readonly [number, number], y: PositionDef<string>, ticks = 10): BarsEncoding {
  return {
    x: {
      field: 'x0',
      type: 'quantitative',
      title: 'weight',
      scale: { domain: [range[0], range[1]], nice: false, zero: false },
      axis: { values: evenTicks(range, ticks), format: '.4~g' },
    },
    x2: { field: 'x1' },
    y,
    y2: { datum: 0 },
  };
}

/**
 * Powers of ten from the one-weight density up to `max`, with 0: the ticks of the symlog axis
 * (its default ticks are linear and crowd at the top).
 */
export function logTicks(floor: number, max: number): number[] {
  const lo = Math.ceil(Math.log10(Math.max(floor, 1e-12)));
  const hi = Math.floor(Math.log10(Math.max(max, floor)));
  const ticks = [0];
  for (let k = lo; k <= hi; k++) ticks.push(Number(`1e${k}`));
  return ticks;
}

/** A log axis's scale domain and tick values (`logAxis`). */
export interface LogAxis {
  readonly domain: [number, number];
  readonly values: number[];
}

/** The narrowest padded span of data spanning less than a decade, in log10: a factor of 3 (data on one value sits mid-panel). */
const LEAST_SPAN = Math.log10(3);

/**
 * A log axis over data from `lo` to `hi` (both > 0), at most `most` ticks, each label short.
 * Data spanning a decade or more: the domain in whole decades (as Vega's `nice` rounds a log scale),
 * ticks at the decades' powers of ten — every k-th one from the bottom where the domain spans more
 * than `most` − 1 decades. Data spanning less: the data's span padded by a tenth on each side in
 * log10 (to a factor of 3 at least, centred on the data), widened to the 1-2-5 values (1, 2 and 5
 * times a power of ten) next below and above, ticks at the 1-2-5 values within — at the powers of
 * ten and the two ends alone where those are more than `most`. (Vega's own ticks of a log scale
 * spanning fewer decades than its tick count are each of 1…9 times every power: a 160-px panel over
 * three decades drew 28 grid lines; and whole decades put a flat penalty of 10.2 on the bottom edge
 * of a 10–100 panel.)
 *
 * Formula (under a decade): padded log10 span = c ∓ max(0.6·(log10 hi − log10 lo), log10(3)/2), c = (log10 lo + log10 hi)/2
 *
 * @example
 * logAxis(1.4, 235)       // { domain: [1, 1000], values: [1, 10, 100, 1000] }
 * logAxis(10.1, 10.3)     // { domain: [5, 20], values: [5, 10, 20] }
 * logAxis(0.5, 3)         // { domain: [0.2, 5], values: [0.2, 0.5, 1, 2, 5] }
 * logAxis(1.01, 9.9)      // { domain: [0.5, 20], values: [0.5, 1, 10, 20] }
 * logAxis(2e-7, 300)      // { domain: [1e-7, 1000], values: [1e-7, 1e-4, 0.1, 100] }   (k = 3)
 */
export function logAxis(lo: number, hi: number, most = 5): LogAxis {
  const power = (k: number) => Number(`1e${k}`);
  if (hi / lo < 10) return withinDecade(lo, hi, most);
  const bottom = Math.floor(Math.log10(lo));
  const decades = Math.ceil(Math.log10(hi)) - bottom;
  const step = Math.ceil(decades / (most - 1));
  return {
    domain: [power(bottom), power(bottom + decades)],
    values: Array.from({ length: Math.floor(decades / step) + 1 }, (_, i) => power(bottom + i * step)),
  };
}

/** `logAxis` of data spanning less than a decade: a padded domain ending on 1-2-5 values, ticks at them. */
function withinDecade(lo: number, hi: number, most: number): LogAxis {
  const [a, b] = [Math.log10(lo), Math.log10(hi)];
  const half = Math.max(1.2 * (b - a), LEAST_SPAN) / 2;
  const [from, to] = [10 ** ((a + b) / 2 - half), 10 ** ((a + b) / 2 + half)];
  const ladder: number[] = [];
  for (let k = Math.floor(Math.log10(from)) - 1; k <= Math.ceil(Math.log10(to)); k++) for (const m of [1, 2, 5]) ladder.push(Number(`${m}e${k}`));
  const domain: [number, number] = [ladder.filter((v) => v <= from).at(-1) as number, ladder.find((v) => v >= to) as number];
  const values = ladder.filter((v) => v >= domain[0] && v <= domain[1]);
  const ends = (v: number) => v === domain[0] || v === domain[1] || Number.isInteger(Math.log10(v));
  return { domain, values: values.length > most ? values.filter(ends) : values };
}

/** Tick labels of a log axis: `0.001` to `1000` as they are, `1e-4` and `1e4` beyond (never `0.000001`). */
export const LOG_LABEL = "datum.value >= 1e-3 && datum.value < 1e4 ? format(datum.value, '~g') : replace(format(datum.value, '.0e'), 'e+', 'e')";

/** Tick labels of the density axis: `0`, `0.1`, `10`, and `1e-3` below 0.01. */
const DENSITY_LABEL = "datum.value == 0 ? '0' : datum.value >= 0.01 ? format(datum.value, '~g') : replace(format(datum.value, '.0e'), 'e-0', 'e-')";

/** `densityEncoding`'s options: the scale, the top, and for `log` its constant and ticks. */
export interface DensityOptions {
  readonly scale: DensityScale;
  /** The top of the axis; absent: from the data. */
  readonly yMax?: Dynamic<number>;
  /** For `log`: the symlog constant (density of one weight), and the tick values. */
  readonly floor?: Dynamic<number>;
  readonly ticks?: Dynamic<number[]>;
  /** The axis title; default `density` or `density (log)`. */
  readonly title?: string;
}

/** y of histogram bars: density from 0, on a linear or symlog scale (log: linear below one weight's density). */
export function densityEncoding(o: DensityOptions): PositionDef<string> {
  const top = o.yMax === undefined ? {} : { domainMin: 0, domainMax: o.yMax, nice: false };
  const title = o.title ?? (o.scale === 'log' ? 'density (log)' : 'density');
  if (o.scale === 'linear') {
    return { field: 'density', type: 'quantitative', title, scale: { type: 'linear', zero: true, ...top }, axis: { tickCount: 6 } };
  }
  return {
    field: 'density',
    type: 'quantitative',
    title,
    scale: { type: 'symlog', constant: o.floor ?? 1e-3, zero: true, ...top },
    axis: { ...(o.ticks === undefined ? {} : { values: o.ticks }), labelExpr: DENSITY_LABEL, grid: true },
  };
}

/** x of the line charts: epochs as integers. */
export const EPOCH_ENCODING: PositionDef<string> = {
  field: 'epoch',
  type: 'quantitative',
  title: 'epoch',
  scale: { zero: false, nice: false },
  axis: { tickMinStep: 1, format: 'd' },
};
