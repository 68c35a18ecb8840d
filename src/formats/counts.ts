/**
 * The compact text of a fine histogram's counts (run-length: a weight tensor's 1000 bins are mostly
 * runs of equal counts, zeros above all, and one string keeps `run.json` short and one line long):
 *
 *   counts [0, 0, 0, 3, 17, 0, 0, 1]  ⇄  "0*3,3,17,0*2,1"
 *
 * Comma-separated tokens, each `c` (one bin of count c) or `c*r` (r bins of count c).
 */

/** The counts as run-length text. */
export function encodeCounts(counts: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < counts.length; ) {
    const c = counts[i] as number;
    let r = 1;
    while (i + r < counts.length && counts[i + r] === c) r++;
    out.push(r === 1 ? String(c) : `${c}*${r}`);
    i += r;
  }
  return out.join(',');
}

/** The counts of run-length text; a RangeError when the text does not hold exactly `bins` counts. */
export function decodeCounts(text: string, bins: number): Float64Array {
  const out = new Float64Array(bins);
  let at = 0;
  for (const token of text === '' ? [] : text.split(',')) {
    const star = token.indexOf('*');
    const c = Number(star < 0 ? token : token.slice(0, star));
    const r = star < 0 ? 1 : Number(token.slice(star + 1));
    if (!Number.isFinite(c) || !Number.isInteger(r) || r < 1 || at + r > bins)
      throw new RangeError(`bad histogram counts near "${token}" (bin ${at} of ${bins})`);
    out.fill(c, at, at + r);
    at += r;
  }
  if (at !== bins) throw new RangeError(`histogram counts hold ${at} bins, expected ${bins}`);
  return out;
}
