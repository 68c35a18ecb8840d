/**
 * Whether a penalty's gradient is the derivative of its value: the gradient TF.js gives at each
 * probe point against the slopes of the value on either side of it (what `probePenalty` checks, so
 * a `tf.customGrad` whose gradient belongs to another function, has the wrong sign or ignores `dy`
 * is refused before it trains).
 *
 * At entry i of the probe weights w (x = w_i ≠ 0, the other entries fixed), with a step
 * h = min(1e-3, |x|/2) (never across 0), as float32 holds x ± h:
 *
 *   left  L = (φ(w) − φ(w − h·e_i)) / h        right  R = (φ(w + h·e_i) − φ(w)) / h
 *
 * the gradient g_i must lie between L and R, widened by 1 % of the largest of |L|, |R|, |g_i| and by
 * the float32 rounding of the values read back (32·2⁻²³ of the terms that moved, and of the entry's own
 * term — or the whole value — even when rounding held it still, over h). Where φ is
 * smooth L ≈ R ≈ φ'(x) (their mean is the central difference), so g_i must be the derivative; where
 * φ has a kink within h of x (|w − c| at c, max(0, |w| − a) at ±a) L and R differ, and a gradient
 * between them (a subgradient: whatever TF.js takes at the kink) passes. Between them is exact for
 * any φ whose derivative is monotone over [x − h, x + h] (the mean value theorem: L = φ'(ξ₋), R = φ'(ξ₊)
 * with ξ₋ < x < ξ₊); the 1 % covers the rest (an inflection within h). The values are summed in
 * float64 as the change of each element-wise term read back, so the terms an entry's step leaves alone cancel
 * exactly. Of several such entries, the one furthest outside (in tolerances) is returned.
 *
 * @example
 * // φ = Σ w², its gradient given as −2w (a sign error): at x = 0.5, L ≈ R ≈ 1, g = −1
 * gradientMismatch([0.5], [-1], (w) => w.map((x) => x * x))   // { index: 0, at: 0.5, gradient: -1, left: 0.999…, right: 1.000…, step: 0.001 }
 */

/** Where a gradient is not its value's derivative: the entry, its weight, the gradient and the value's slopes there. */
export interface GradientMismatch {
  /** The entry of the probe weights. */
  readonly index: number;
  /** Its weight, as float32 holds it. */
  readonly at: number;
  /** The gradient given there. */
  readonly gradient: number;
  /** The value's slope to the left of it, (φ(w) − φ(w − h·e_i)) / h, and to the right. */
  readonly left: number;
  readonly right: number;
  /** The step h. */
  readonly step: number;
}

/** The largest step of the finite differences; nearer 0 it is |x|/2. */
export const STEP = 1e-3;
/** How far outside [L, R] a gradient may lie, relative to the largest of |L|, |R|, |g|. */
const RELATIVE = 1e-2;
/** Rounding allowed in a value, in units of float32's ε (2⁻²³) times the terms that moved (and the entry's own). */
const ROUNDING = 32 * 2 ** -23;

/**
 * The entry of `points` where `gradient` (the penalty's gradient at `points`) lies outside its
 * value's left and right slopes, or undefined. `terms(w)` is the penalty's value at weights `w`: its
 * element-wise terms (w's length, summed here in float64) or the whole value (length 1).
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
    const h = Math.min(STEP, Math.abs(x) / 2);
    const lo = Math.fround(x - h);
    const hi = Math.fround(x + h);
    const below = terms(w.map((v, j) => (j === i ? lo : v)));
    const above = terms(w.map((v, j) => (j === i ? hi : v)));
    const left = change(below, base) / (x - lo);
    const right = change(base, above) / (hi - x);
    const g = gradient[i] as number;
    const tolerance =
      RELATIVE * Math.max(Math.abs(left), Math.abs(right), Math.abs(g)) +
      (ROUNDING * moved(below, base, above, base.length === 1 ? 0 : i)) / Math.min(x - lo, hi - x);
    // How many tolerances outside [L, R] it lies; the worst point is the one reported.
    const excess = Math.max(Math.min(left, right) - g, g - Math.max(left, right)) / tolerance;
    if (excess > (worst?.excess ?? 1)) worst = { mismatch: { index: i, at: x, gradient: g, left, right, step: h }, excess };
  }
  return worst?.mismatch;
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
