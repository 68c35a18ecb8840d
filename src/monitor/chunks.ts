/**
 * Sums taken on a backend in chunks: a float32 sum over many entries drifts (10⁶ weights of 1e-3
 * summed 0.9 % low on wasm), so long sums are cut into chunks of at most CHUNK entries each summed
 * there, the chunks' sums added up in float64 (penalties: training/penalty-parts.ts; per-batch
 * channel norms: norms.ts).
 */

/** Entries summed on the backend per chunk at most. */
const CHUNK = 256;
/** Chunks per sum at most (more entries whose count has no divisor that fits: one backend sum). */
const MAX_CHUNKS = 65_536;

/**
 * The chunk length for `n` entries: the largest divisor of n up to CHUNK leaving at most `most`
 * chunks; n itself (one chunk) when none does, or n ≤ CHUNK.
 *
 * @example
 * chunkOf(1_000_000)        // 250: 4000 chunks
 * chunkOf(100)              // 100: one
 * chunkOf(7919, 1000)       // 7919: a prime, no divisor leaves 1000 chunks or fewer
 */
export function chunkOf(n: number, most = MAX_CHUNKS): number {
  if (n <= CHUNK) return n;
  for (let p = CHUNK; p >= 1 && n / p <= most; p--) if (n % p === 0) return p;
  return n;
}
