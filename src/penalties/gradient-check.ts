/**
 * Whether a penalty's gradient is the derivative of its value: the gradient TF.js gives at each
 * probe point against the slopes of the value on either side of it, extrapolated to a zero step
 * (what `probePenalty` checks, so a `tf.customGrad` whose gradient belongs to another function, has
 * the wrong sign or ignores `dy` is refused before it trains — and, where float32 resolves it, one off by 1 %).
 *
 * At entry i of the probe weights w (x = w_i ≠ 0, the other entries fixed), with steps
 * h_k = h₀/2^k, h₀ = min(1e-3, |x|/2) (never across 0), k = 0 … 4, as float32 holds x ± h_k:
 *
 *   left  L_k = (φ(w) − φ(w − h_k·e_i)) / h_k        right  R_k = (φ(w + h_k·e_i) − φ(w)) / h_k
 *
 * Where φ is smooth on a side, its slope there is φ'(x) ∓ φ''(x)·h_k/2 + φ⁽³⁾(x)·h_k²/6 ∓ …, and
 * Richardson's table (`richardson`) takes those terms out: L̂_k, R̂_k from the steps h₀ … h_k. Its
 * error is how far L̂_k is from the table's previous estimates (`judged`). From k = 2 on, step by step
 * until that error is within the rounding and 0.2 % below, the gradient g_i is judged at the most
 * precise step (least error + rounding): it must lie between L̂_k and R̂_k, widened by that error (the
 * larger side's), by the float32 rounding of the values read back (32·2⁻²³ of the terms that moved,
 * and of the entry's own term — or the whole value — even when rounding held it still, over h_k,
 * carried through the table) and by 0.2 % of the largest of |L̂_k|, |R̂_k|, |g_i|. So a curve
 * narrower than h₀ passes — Cauchy's log(1 + (w/c)²) at w = c = 1e-3, where L₀ and R₀ are 6 % and
 * 3 % below φ' = 1/c, was refused — and 1.01·φ' there does not. Where φ has a kink at x (|w| − a at
 * a) the slopes on either side stay apart and a gradient between them (a subgradient: whatever TF.js
 * takes at the kink) passes; a kink within h₀ of x but not at it leaves the steps shorter than its
 * distance, whose estimates agree on the slope of x's side, or, while they disagree, a wide error.
 * The values are summed in float64 as the change of each element-wise term read back, so the terms
 * an entry's step leaves alone cancel exactly. Of several refused entries, the one furthest outside
 * (in tolerances) is returned, with its judged step and slopes. It evaluates φ 6 to 10 times per entry.
 *
 * @example
 * // φ = Σ w², its gradient given as −2w (a sign error): at x = 0.5, L̂ ≈ R̂ ≈ 1, g = −1
 * gradientMismatch([0.5], [-1], (w) => w.map((x) => x * x))   // { index: 0, at: 0.5, gradient: -1, left: 0.99999996…, right: 0.9999999…, step: 0.00025 }
 */

/** Where a gradient is not its value's derivative: the entry, its weight, the gradient and the value's slopes there. */
export interface GradientMismatch {
  /** The entry of the probe weights. */
  readonly index: number;
  /** Its weight, as float32 holds it. */
  readonly at: number;
  /** The gradient given there. */
  readonly gradient: number;
  /** The value's slope to the left of it, extrapolated to a zero step (L̂_k above), and to the right. */
  readonly left: number;
  readonly right: number;
  /** The step h_k of those slopes. */
  readonly step: number;
}

/** The largest step of the finite differences; nearer 0 it is |x|/2. */
export const STEP = 1e-3;
/** How many steps, each half the last: the gradient is judged from the third on. */
const STEPS = 5;
/** How far outside [L̂, R̂] (beyond their error and rounding) a gradient may lie, relative to the largest of |L̂|, |R̂|, |g|. */
const RELATIVE = 2e-3;
/** Rounding allowed in a value, in units of float32's ε (2⁻²³) times the terms that moved (and the entry's own). */
const ROUNDING = 32 * 2 ** -23;

/** The value's slopes on either side of x at one step, and the bound on their rounding. */
interface Slopes {
  readonly left: number;
  readonly right: number;
  readonly rounding: number;
}

/**
 * The entry of `points` where `gradient` (the penalty's gradient at `points`) lies outside its
 * value's extrapolated left and right slopes, or undefined. `terms(w)` is the penalty's value at
 * weights `w`: its element-wise terms (w's length, summed here in float64) or the whole value (length 1).
 */
export function gradientMismatch(
  points: readonly number[],
  gradient: readonly number[],
  terms: (w: readonly number[]) => ArrayLike<number>,
): GradientMismatch | undefined {
  const w = points.map(Math.fround);
  const base = terms(w);
  let worst: { mismatch: GradientMismatch; excess: number } | undefined;
  for (let i = 0; i < w.length; i++) {
    const x = w[i] as number;
    const g = gradient[i] as number;
    const h0 = Math.min(STEP, Math.abs(x) / 2);
    let [left, right] = [[] as Extrapolation[], [] as Extrapolation[]];
    // The most precise step's slopes (smallest error + rounding), from the third on, until two steps agree.
    let best: { mismatch: GradientMismatch; precision: number; tolerance: number } | undefined;
    for (let k = 0; k < STEPS; k++) {
      const h = h0 / 2 ** k;
      const at = slopes(w, i, h, base, terms);
      const [lastLeft, lastRight] = [left, right];
      [left, right] = [richardson(left, at.left, at.rounding), richardson(right, at.right, at.rounding)];
      if (k < 2) continue;
      const [l, r] = [judged(left, lastLeft), judged(right, lastRight)];
      const [error, rounding] = [Math.max(l.error, r.error), Math.max(l.rounding, r.rounding)];
      const relative = RELATIVE * Math.max(Math.abs(l.value), Math.abs(r.value), Math.abs(g));
      if (error + rounding < (best?.precision ?? Number.POSITIVE_INFINITY))
        best = {
          mismatch: { index: i, at: x, gradient: g, left: l.value, right: r.value, step: h },
          precision: error + rounding,
          tolerance: error + rounding + relative,
        };
      if (error <= rounding + relative) break;
    }
    if (!best) continue;
    const { mismatch, tolerance } = best;
    // How many tolerances outside [L̂, R̂] it lies (≤ 1: it passes).
    const excess = Math.max(Math.min(mismatch.left, mismatch.right) - g, g - Math.max(mismatch.left, mismatch.right)) / tolerance;
    if (excess > (worst?.excess ?? 1)) worst = { mismatch, excess };
  }
  return worst?.mismatch;
}

/** One entry of a row of Richardson's table: an estimate of the slope and the bound on its rounding. */
interface Extrapolation {
  readonly value: number;
  readonly rounding: number;
}

/**
 * The next row of Richardson's table for steps halving: from the last row A_{k−1} and the slope s at
 * step h_k, A_{k,0} = s, A_{k,j} = A_{k,j−1} + (A_{k,j−1} − A_{k−1,j−1}) / (2^j − 1) — each j removes
 * the h^j term of the slope's error (a one-sided slope has them all) — with their rounding bounds
 * carried through the same sums in absolute value.
 *
 * @example
 * // φ = w³ at x = 1, left slopes 3 − 3h + h²: steps 0.5, 0.25, 0.125 give 1.75, 2.3125, 2.640625
 * richardson(richardson(richardson([], 1.75, 0), 2.3125, 0), 2.640625, 0)[2]?.value   // 3 (φ'(1))
 */
function richardson(last: readonly Extrapolation[], slope: number, rounding: number): Extrapolation[] {
  const row: Extrapolation[] = [{ value: slope, rounding }];
  for (let j = 1; j <= last.length; j++) {
    const [here, above] = [row[j - 1] as Extrapolation, last[j - 1] as Extrapolation];
    const factor = 2 ** j - 1;
    row.push({ value: here.value + (here.value - above.value) / factor, rounding: here.rounding + (here.rounding + above.rounding) / factor });
  }
  return row;
}

/**
 * A row's best estimate (its last), its error (how far it is from the row's one before and from the
 * last row's best: both must agree, so noise agreeing with itself once by chance is not taken for
 * precision) and its rounding bound.
 */
function judged(row: readonly Extrapolation[], last: readonly Extrapolation[]): { value: number; error: number; rounding: number } {
  const best = row[row.length - 1] as Extrapolation;
  const before = row[row.length - 2] as Extrapolation;
  const previous = last[last.length - 1] as Extrapolation;
  return { value: best.value, error: Math.max(Math.abs(best.value - before.value), Math.abs(best.value - previous.value)), rounding: best.rounding };
}

/** The left and right slopes of the value at entry `i` of `w` (value `base`), step h (as float32 holds x ± h), and their rounding bound. */
function slopes(w: readonly number[], i: number, h: number, base: ArrayLike<number>, terms: (w: readonly number[]) => ArrayLike<number>): Slopes {
  const x = w[i] as number;
  const lo = Math.fround(x - h);
  const hi = Math.fround(x + h);
  const below = terms(w.map((v, j) => (j === i ? lo : v)));
  const above = terms(w.map((v, j) => (j === i ? hi : v)));
  return {
    left: change(below, base) / (x - lo),
    right: change(base, above) / (hi - x),
    rounding: (ROUNDING * moved(below, base, above, base.length === 1 ? 0 : i)) / Math.min(x - lo, hi - x),
  };
}

/** Σ_j (to_j − from_j) in float64: terms that did not move cancel exactly, however large. */
function change(from: ArrayLike<number>, to: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < to.length; j++) s += (to[j] as number) - (from[j] as number);
  return s;
}

/**
 * Σ over the terms that differ between the three evaluations, and term `own` (the moved entry's, or
 * the whole value) whether or not it did, of the largest of their magnitudes: the scale of their
 * rounding. A term held still by rounding hides a change below its last digit: 1 − exp(−w²/0.02) is
 * 1 in float32 at w = 1 ± 0.001, while its gradient there, 2e-20, is right.
 */
function moved(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, own: number): number {
  let s = 0;
  for (let j = 0; j < b.length; j++) {
    const [x, y, z] = [a[j] as number, b[j] as number, c[j] as number];
    if (x !== y || z !== y || j === own) s += Math.max(Math.abs(x), Math.abs(y), Math.abs(z));
  }
  return s;
}
