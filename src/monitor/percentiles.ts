/**
 * Percentiles of weights, as TensorBoard's distribution view draws them: the minimum, 7, 16, 31,
 * 50, 69, 84, 93 % and the maximum (the 93–7, 84–16 and 69–31 bands are ±1.5σ, ±1σ and ±0.5σ of a
 * normal). Exact: each value is read from the sorted weights, linearly between neighbours
 * (rank p/100·(n − 1), as NumPy's default).
 */

/** The percentiles recorded, in %. */
export const PERCENTILES = [0, 7, 16, 31, 50, 69, 84, 93, 100] as const;

/** Six significant digits: plenty for drawing, and short in run.json. */
const short = (x: number) => Number(x.toPrecision(6));

/** The PERCENTILES of already sorted values (ascending); [] when there are none. */
export function percentilesOfSorted(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  return PERCENTILES.map((p) => {
    const rank = (p / 100) * (n - 1);
    const i = Math.floor(rank);
    const a = sorted[i] as number;
    const b = sorted[Math.min(n - 1, i + 1)] as number;
    return short(a + (b - a) * (rank - i));
  });
}

/** The sorted copy of all parts together (NaNs last). */
export function sortedValues(parts: readonly ArrayLike<number>[]): Float32Array {
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all.sort();
}

/**
 * The PERCENTILES of all parts together.
 *
 * @example
 * percentiles([[3, 1], [2]])   // [1, 1.14, 1.32, 1.62, 2, 2.38, 2.68, 2.86, 3]
 */
export function percentiles(parts: readonly ArrayLike<number>[]): number[] {
  return percentilesOfSorted(sortedValues(parts));
}
