/**
 * Magnitude pruning of weight values (plain arrays, no backend): set the k % smallest |w| to
 * exactly 0, either over several tensors together (global: one threshold for all) or in each
 * tensor apart (per layer: each its own k %).
 *
 *   n = all values counted, m = round(k/100 · n)
 *   t = the m-th smallest |w|;  every |w| < t ─► 0;  then values with |w| = t ─► 0, in order, until m are 0
 *
 * So exactly m values are 0 afterwards, or more when more were 0 already: a value that is 0 is
 * among the smallest. Values are copied, never changed in place.
 */

/**
 * The prune levels the curve measures by default: percent of the prunable weights set to 0, every
 * 10 % up to 90 and finer above. The levels below 50 % are there as an unpenalised model can
 * already lose points at 50 %, and "the largest level within 0.5 points" must not be bounded by the grid.
 */
export const PRUNE_LEVELS: readonly number[] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5];

/** |w| of every value of every part, sorted ascending (one sort serves every level). */
export function sortedMagnitudes(parts: readonly ArrayLike<number>[]): Float32Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[at++] = Math.abs(p[i] as number);
  return out.sort();
}

/** How many of n values level k % zeroes. */
export function prunedCount(n: number, level: number): number {
  return Math.min(n, Math.round((level / 100) * n));
}

/**
 * Copies of `parts` with the `level` % smallest |w| over all of them set to 0 (see the file's
 * comment); `sorted` is `sortedMagnitudes(parts)`, computed once for several levels.
 *
 * @example
 * pruneSmallest([Float32Array.of(0.3, -0.1, 0.2, 0.05)], 50);   // [[0.3, 0, 0.2, 0]]
 */
export function pruneSmallest(parts: readonly Float32Array[], level: number, sorted: Float32Array = sortedMagnitudes(parts)): Float32Array[] {
  const m = prunedCount(sorted.length, level);
  const out = parts.map((p) => p.slice());
  if (m === 0) return out;
  const t = sorted[m - 1] as number;
  let below = 0;
  while (below < m && (sorted[below] as number) < t) below++;
  let ties = m - below;
  for (const p of out) {
    for (let i = 0; i < p.length; i++) {
      const a = Math.abs(p[i] as number);
      if (a < t) p[i] = 0;
      else if (a === t && ties > 0) {
        p[i] = 0;
        ties--;
      }
    }
  }
  return out;
}

/** The share of values that are exactly 0. */
export function zeroShare(values: ArrayLike<number>): number {
  let z = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) z++;
  return values.length === 0 ? 0 : z / values.length;
}
