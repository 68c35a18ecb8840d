/**
 * Everything a snapshot measures of a weight's values, in one pass over them and typed arrays only
 * (a 16 M-weight model took 4.5–6.5 s an epoch: each value was sorted, then merged per layer and
 * for all weights, and read again by each histogram):
 *
 *   values (float32) ─► one pass: non-finite count, the record's histogram (stats.ts), sparsity,
 *                       the fine linear and log10|w| histograms (fine.ts), and for RADIX_MIN values
 *                       or more the count of each order key's top 16 bits (65 536 buckets)
 *   tallies add up ─► a layer's and all weights' histograms and sparsity (the counts are whole numbers)
 *   percentiles ─► the values at the ranks asked for (percentiles.ts): of fewer than RADIX_MIN values
 *                  from their sorted copy; of more by radix selection: the rank's bucket from the
 *                  parts' summed bucket counts (one weight's as they are), then one pass copying the
 *                  keys of those buckets only, each bucket's few sorted (very many: counted by their
 *                  low 16 bits) ─► the exact key, the exact value; no weight is sorted
 *
 * The order key of a float32 with bits s (as a signed 32-bit integer): s when s ≥ 0 (positive), s with
 * all but its sign bit flipped otherwise (negative), so keys order as the numbers do, −0 (key −1) just
 * before +0 (key 0), as a sorted Float32Array has them; its bucket is ⌊key / 2¹⁶⌋ + 2¹⁵.
 * The log10|w| bin is looked up by |w|'s bucket (8 exponent and 7 mantissa bits) where the whole
 * bucket falls in one bin, computed only for values of the few buckets an edge 10^(k/20) cuts:
 * log10 of float32s is monotone as computed (neighbours differ by ≥ 2.6e-8 in log10, its error is
 * < 1e-14), so a bucket whose least and greatest values share a bin has all its values in it.
 * Every result equals the one-purpose functions' (`histogram`, `sparsity`, `fineHistogram`,
 * `logAbsHistogram`, `percentilesOfSorted` of the sorted values) exactly.
 */
import type { FineHistogram, Histogram, Sparsity } from '../formats/index.ts';
import { encodeCounts } from '../formats/index.ts';
import { FINE_LINEAR, FINE_LOG, type FineGrid } from './fine.ts';
import { PERCENTILES, percentilesOfSorted, sortedValues } from './percentiles.ts';
import { binOf, HIST_BINS, HIST_HI, HIST_LO } from './stats.ts';

/** Buckets of the order key's top 16 bits. */
const BUCKETS = 1 << 16;

/** Values from which percentiles are selected by radix rather than read from a sorted copy (whose sort then costs < 1 ms; radix selection's tables, 0.5 MB and up, would cost more). */
export const RADIX_MIN = 1 << 16;

/** What one pass over values counts (see the file's comment); tallies of several tensors add up (`addTallies`). */
export interface Tally {
  count: number;
  /** Values that are NaN or ±∞. */
  nonFinite: number;
  /** Exactly 0 (−0 too). */
  zeros: number;
  /** The record's histogram: HIST_BINS bins over [HIST_LO, HIST_HI], and the values below and above. */
  readonly hist: Float64Array;
  histBelow: number;
  histAbove: number;
  /** |w| < 1e-3, |w| < 1e-2. */
  lt1e3: number;
  lt1e2: number;
  /** The fine linear grid (FINE_LINEAR), and the values below and above it. */
  readonly fine: Float64Array;
  fineBelow: number;
  fineAbove: number;
  /** The log10|w| grid (FINE_LOG), and the non-zero values below and above it. */
  readonly logAbs: Float64Array;
  logBelow: number;
  logAbove: number;
  /** How many values have each top 16 bits of the order key (counted for RADIX_MIN values or more). */
  readonly buckets?: Uint32Array;
}

/** The bucket table of tallies of fewer than RADIX_MIN values, which is never read. */
let unread: Uint32Array | undefined;

function emptyTally(buckets = false): Tally {
  return {
    count: 0,
    nonFinite: 0,
    zeros: 0,
    hist: new Float64Array(HIST_BINS),
    histBelow: 0,
    histAbove: 0,
    lt1e3: 0,
    lt1e2: 0,
    fine: new Float64Array(FINE_LINEAR.bins),
    fineBelow: 0,
    fineAbove: 0,
    logAbs: new Float64Array(FINE_LOG.bins),
    logBelow: 0,
    logAbove: 0,
    ...(buckets ? { buckets: new Uint32Array(BUCKETS) } : {}),
  };
}

/** The order key of the float32 with bits `s` (see the file's comment), without a branch (signs come in random order): s >> 31 is 0 or −1. */
const orderKey = (s: number) => s ^ ((s >> 31) & 0x7fffffff);

/** The bits of a Float32Array, read as signed integers (no copy). */
const bitsOf = (values: Float32Array) => new Int32Array(values.buffer, values.byteOffset, values.length);

/** `binOf` with its grid's factors worked out once, the same arithmetic per value: (x) => binOf(x, lo, hi, bins). */
function binner(lo: number, hi: number, bins: number): (x: number) => number {
  const k = bins / (hi - lo);
  const o = -lo * k;
  return Number.isInteger(o) ? (x) => Math.min(bins - 1, Math.floor(x * k) + o) : (x) => Math.min(bins - 1, Math.floor((x - lo) * k));
}

/** In LOG_BIN_OF_BUCKET: the bucket's values are below the log grid, above it, or cut by an edge. */
const [LOG_BELOW, LOG_ABOVE, LOG_CUT] = [-1, -2, -3];

/** Where log10|w| falls in the log grid: its bin, LOG_BELOW or LOG_ABOVE. */
function logBin(a: number): number {
  const x = Math.log10(a);
  return x < FINE_LOG.lo ? LOG_BELOW : x > FINE_LOG.hi ? LOG_ABOVE : binOf(x, FINE_LOG.lo, FINE_LOG.hi, FINE_LOG.bins);
}

/** Per bucket of |w| > 0 (its bits ≫ 16), the log bin of all its values, or LOG_CUT (see the file's comment). */
let logBinOfBucket: Int16Array | undefined;

const scratchBits = new Int32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);

/** The float32 whose bits are `b`. */
function floatOfBits(b: number): number {
  scratchBits[0] = b;
  return scratchFloat[0] as number;
}

/** The least b in [lo, hi) for which `holds(b)` (false, then true as b grows), or hi. */
function firstHolding(lo: number, hi: number, holds: (b: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The table, its log bins found for the ~5 000 buckets around [1e-10, 100] only: a bucket's bin only grows
 * with it (log10 is monotone), so the buckets below the grid end where the first greatest value is not
 * below, those above start where the first least value is above (binary searches); the buckets from
 * 0x7f80 on (±∞, NaN) are never looked up.
 */
function logBins(): Int16Array {
  if (logBinOfBucket) return logBinOfBucket;
  const least = (b: number) => floatOfBits(Math.max(1, b << 16));
  const most = (b: number) => floatOfBits((b << 16) | 0xffff);
  const finite = 0x7f80;
  const first = firstHolding(0, finite, (b) => logBin(most(b)) !== LOG_BELOW);
  const past = firstHolding(first, finite, (b) => logBin(least(b)) === LOG_ABOVE);
  const table = new Int16Array(1 << 15).fill(LOG_CUT);
  table.fill(LOG_BELOW, 0, first);
  table.fill(LOG_ABOVE, past, finite);
  for (let b = first; b < past; b++) {
    const lo = logBin(least(b));
    table[b] = lo === logBin(most(b)) ? lo : LOG_CUT;
  }
  logBinOfBucket = table;
  return table;
}

/**
 * One pass over `values` (see the file's comment).
 *
 * @example
 * const t = tallyValues(new Float32Array([0, 0.5, -3]));   // t.zeros 1, t.histBelow 1, t.fineBelow 1, t.lt1e3 1/3 of t.count
 */
export function tallyValues(values: Float32Array): Tally {
  const t = emptyTally(values.length >= RADIX_MIN);
  const bits = bitsOf(values);
  const { hist, fine, logAbs } = t;
  // Few values: counted in a table nobody reads (cheaper than a branch per value, or a new table).
  const buckets = t.buckets ?? (unread ??= new Uint32Array(BUCKETS));
  const [fl, fh] = [FINE_LINEAR.lo, FINE_LINEAR.hi];
  const [histBin, fineBin] = [binner(HIST_LO, HIST_HI, HIST_BINS), binner(fl, fh, FINE_LINEAR.bins)];
  const logOf = logBins();
  let [nonFinite, zeros, histBelow, histAbove, lt1e3, lt1e2, fineBelow, fineAbove, logBelow, logAbove] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const s = bits[i] as number;
    buckets[(orderKey(s) >> 16) + 0x8000]! += 1;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const a = Math.abs(v);
    if (v === 0) zeros++;
    if (a < 1e-2) {
      lt1e2++;
      if (a < 1e-3) lt1e3++;
    }
    if (v < HIST_LO) histBelow++;
    else if (v > HIST_HI) histAbove++;
    else hist[histBin(v)]! += 1;
    if (v < fl) fineBelow++;
    else if (v > fh) fineAbove++;
    else fine[fineBin(v)]! += 1;
    if (v === 0) continue;
    let bin = logOf[(s & 0x7fffffff) >> 16] as number;
    if (bin === LOG_CUT) bin = logBin(a);
    if (bin === LOG_BELOW) logBelow++;
    else if (bin === LOG_ABOVE) logAbove++;
    else logAbs[bin]! += 1;
  }
  Object.assign(t, { count: values.length, nonFinite, zeros, histBelow, histAbove, lt1e3, lt1e2, fineBelow, fineAbove, logBelow, logAbove });
  return t;
}

/** The tally of several tensors' values together: the sum of theirs. */
export function addTallies(tallies: readonly Tally[]): Tally {
  const sum = emptyTally();
  const scalars = ['count', 'nonFinite', 'zeros', 'histBelow', 'histAbove', 'lt1e3', 'lt1e2', 'fineBelow', 'fineAbove', 'logBelow', 'logAbove'] as const;
  for (const t of tallies) {
    for (const k of scalars) sum[k] += t[k];
    for (const k of ['hist', 'fine', 'logAbs'] as const) {
      const [to, from] = [sum[k], t[k]];
      for (let i = 0; i < from.length; i++) to[i]! += from[i] as number;
    }
  }
  return sum;
}

/** The record's histogram of a tally, as `histogram` gives it: a density, n every value (those outside [lo, hi] too). */
export function histogramOfTally(t: Tally): Histogram {
  const width = (HIST_HI - HIST_LO) / HIST_BINS;
  const density = Array.from(t.hist, (c) => (t.count === 0 ? 0 : c / (t.count * width)));
  return { lo: HIST_LO, hi: HIST_HI, density, below: t.histBelow, above: t.histAbove, zeros: t.zeros, count: t.count };
}

/** The sparsity of a tally, as `sparsity` gives it. */
export function sparsityOfTally(t: Tally): Sparsity {
  return { lt1e3: t.count === 0 ? 0 : t.lt1e3 / t.count, lt1e2: t.count === 0 ? 0 : t.lt1e2 / t.count };
}

/** The fine histogram of a tally in `scale`, as `fineHistogram` / `logAbsHistogram` give it. */
export function fineOfTally(t: Tally, scale: FineHistogram['scale']): FineHistogram {
  const linear = scale === 'linear';
  const grid: FineGrid = linear ? FINE_LINEAR : FINE_LOG;
  return {
    scale,
    ...grid,
    counts: encodeCounts(linear ? t.fine : t.logAbs),
    below: linear ? t.fineBelow : t.logBelow,
    above: linear ? t.fineAbove : t.logAbove,
    zeros: t.zeros,
    count: t.count,
  };
}

/** The float32 whose order key is `key` (the key is its own inverse). */
function valueOfKey(key: number): number {
  return floatOfBits(orderKey(key));
}

/** Candidates of one bucket from which a rank's value is read by counting their low 16 bits rather than by sorting them. */
const COUNT_MIN = 1 << 14;

/** The `within`-th smallest (0-based) of `keys`, all of one bucket: sorted in place, or, when many, counted by their low 16 bits. */
function keyAt(keys: Int32Array, within: number): number {
  if (keys.length < COUNT_MIN) return keys.sort()[within] as number;
  const low = new Uint32Array(BUCKETS);
  for (let i = 0; i < keys.length; i++) low[(keys[i] as number) & 0xffff]! += 1;
  let [l, seen] = [0, 0];
  while (seen + (low[l] as number) <= within) seen += low[l++] as number;
  return ((keys[0] as number) & ~0xffff) | l;
}

/**
 * The values at 0-based `ranks` of all of `parts` together in ascending order (the sorted array's
 * entries), found by radix selection over `buckets`, the parts' summed bucket counts: one pass copies
 * the keys of the few buckets holding those ranks (their sizes are known, so each gets its slice of
 * one Int32Array), then each slice is sorted (a few hundred keys) and read at the rank within it.
 */
function valuesAtRanks(parts: readonly Float32Array[], buckets: Uint32Array, ranks: readonly number[]): Map<number, number> {
  // Each rank's bucket and its rank within the bucket.
  const where = new Map<number, { bucket: number; within: number }>();
  const sorted = [...new Set(ranks)].sort((a, b) => a - b);
  let [bucket, before] = [0, 0];
  for (const rank of sorted) {
    while (before + (buckets[bucket] as number) <= rank) before += buckets[bucket++] as number;
    where.set(rank, { bucket, within: rank - before });
  }
  const wanted = [...new Set([...where.values()].map((w) => w.bucket))];
  const slotOf = new Int16Array(BUCKETS).fill(-1);
  // Slot s's keys go to keys[start[s] .. start[s + 1]); next[s]: where its next key goes.
  const start = new Int32Array(wanted.length + 1);
  wanted.forEach((b, slot) => {
    slotOf[b] = slot;
    start[slot + 1] = (start[slot] as number) + (buckets[b] as number);
  });
  const keys = new Int32Array(start[wanted.length] as number);
  const next = start.slice(0, wanted.length);
  for (const part of parts) {
    const bits = bitsOf(part);
    for (let i = 0; i < bits.length; i++) {
      const key = orderKey(bits[i] as number);
      const slot = slotOf[(key >> 16) + 0x8000] as number;
      if (slot >= 0) keys[next[slot]!++] = key;
    }
  }
  const values = new Map<number, number>();
  for (const [rank, { bucket: b, within }] of where) {
    const slot = slotOf[b] as number;
    values.set(rank, valueOfKey(keyAt(keys.subarray(start[slot], start[slot + 1]), within)));
  }
  return values;
}

/** Adds to `buckets` how many of `values` have each top 16 bits of the order key (tallyValues counts them for RADIX_MIN values or more). */
function addBuckets(buckets: Uint32Array, values: Float32Array): void {
  const bits = bitsOf(values);
  for (let i = 0; i < bits.length; i++) buckets[(orderKey(bits[i] as number) >> 16) + 0x8000]! += 1;
}

/**
 * The PERCENTILES of all of `parts` together (`tallies`: theirs, in order), as `percentilesOfSorted`
 * of their sorted values gives them; [] when there are none. Of RADIX_MIN values or more only the
 * entries it reads are found, by radix selection (see the file's comment).
 *
 * @example
 * const v = new Float32Array([3, 1, 2]);
 * percentilesOfTally([v], [tallyValues(v)])   // [1, 1.14, 1.32, 1.62, 2, 2.38, 2.68, 2.86, 3]
 */
export function percentilesOfTally(parts: readonly Float32Array[], tallies: readonly Tally[]): number[] {
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  if (n < RADIX_MIN) return percentilesOfSorted(sortedValues(parts));
  // One weight's counts as they are; several: the first large one's copied (a memcpy), the other
  // large ones' added, each small part's values counted in (a bias: no table of 65 536 to add).
  const large = tallies.flatMap((t) => (t.buckets ? [t.buckets] : []));
  const [counted, ...more] = large;
  let buckets = parts.length === 1 && counted ? counted : undefined;
  if (!buckets) {
    buckets = counted ? counted.slice() : new Uint32Array(BUCKETS);
    for (const c of more) for (let b = 0; b < BUCKETS; b++) buckets[b]! += c[b] as number;
    for (let i = 0; i < parts.length; i++) if (!tallies[i]?.buckets) addBuckets(buckets, parts[i] as Float32Array);
  }
  const ranks = PERCENTILES.flatMap((p) => {
    const i = Math.floor((p / 100) * (n - 1));
    return [i, Math.min(n - 1, i + 1)];
  });
  const at = valuesAtRanks(parts, buckets, ranks);
  // The sorted array as percentilesOfSorted reads it: only the entries at those ranks.
  const sorted: Record<number, number> & { length: number } = { length: n };
  for (const [rank, value] of at) sorted[rank] = value;
  return percentilesOfSorted(sorted);
}
