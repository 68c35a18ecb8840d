/**
 * The largest and smallest of many numbers, by a loop: `Math.max(...values)` passes each value as
 * an argument, and past about 120 000 of them (a record's channel norms over 200 epochs of 50
 * layers, a ridgeline's densities) it throws "Maximum call stack size exceeded".
 * Math.max's rules otherwise: a NaN gives NaN; no values give `floor` (−∞ by default).
 *
 * @example
 * maxOf([3, 1, 2], 0)      // 3
 * maxOf([], 0)             // 0
 * minOf(new Array(2e5).fill(1))   // 1 (Math.min(...that) throws)
 */

/** max(floor, ...values), for any number of values. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let m = floor;
  for (const v of values) m = Math.max(m, v);
  return m;
}

/** min(ceiling, ...values), for any number of values. */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let m = ceiling;
  for (const v of values) m = Math.min(m, v);
  return m;
}
