/** Checking a user's penalty on probe values before anything trains. */

import { SpecError, UserCodeError } from '../errors.ts';
import { formatFloat32, fromModule } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { gradientMismatch, STEP } from './gradient-check.ts';
import { FINITE_AT_ZERO, FLOAT32_RANGE, whyNoGradient } from './probe-advice.ts';
import { type ProbedWeight, probeOnWeights } from './probe-weights.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** Values a probe evaluates a penalty on: zero, tiny, around the default dead zone, large, both signs. */
const PROBE = [0, 1e-3, -1e-3, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 1, -1, 2, -2, 0.03, -0.7, 1.5];

/** The probe of a penalty's value (and of its proximal operator): the 16 values above. */
const ON_PROBE = 'a probe tensor of shape [4,4]';

/** The probe differentiates DY·φ, as training differentiates λ·φ: a gradient function that ignores its `dy` is off by this factor. */
const DY = 2;

/**
 * Throws a SpecError if the penalty throws, returns a non-scalar or non-finite value on a probe
 * tensor, has no gradient with respect to the weights (its value does not depend on them, e.g.
 * `tf.scalar(1)`, or comes from an op TF.js cannot differentiate), or has a non-finite gradient at
 * non-zero weights, or one that is not the derivative of its value there (`gradientMismatch`: a
 * `tf.customGrad` whose gradient is another function's, has the wrong sign, ignores `dy` or is off
 * by 1 %; a kink passes), or is 0 wherever its value steps (`checkNotAStep`: `tf.round(abs(w))`), or is
 * NaN or ±∞ at w = 0 (`checkFiniteAtZero`: `tf.sqrt(abs(w))`), or not 0 at w = 0 where its value is
 * symmetric and smallest (`checkRestsAtZero`: `tf.abs(w)`), or is 0 everywhere while its value stays put
 * (`checkDependsOnW`: `tf.onesLike(w)`; not the built-in `none`, 0 by design); or if its proximal operator (when it has one) throws, or returns anything but
 * finite weights of the probe's shape, at τ = 0 and τ = 0.1. Its value is checked before its
 * gradient, so `tf.scalar(NaN)` is refused as not finite, and so is a value beyond float32's range
 * (`tf.mul(tf.square(w), 1e38)`, ∞ in TF.js), the refusal saying float32's largest value (`FLOAT32_RANGE`).
 * Values it quotes from a tensor are float32s as a user writes them (`formatFloat32`: 0.001). `options.absFrom` says, in the refusal of
 * `tf.abs`, where the penalty's code gets the library's `abs` (by default, by an import);
 * `options.weights`, the weights it will be put on, checked too (`probeOnWeights`: each at its value
 * and at 0, a finite value and a finite gradient of the weight's shape), the refusal naming the weight
 * and its shape. fit and penx check a run's weights so (`checkUntrainedWeights`) before training.
 *
 * @example
 * // mine defined with fn: (w) => tf.abs(w)
 * probePenalty(penalty('mine:1e-3'))                                       // throws: … use the library's abs instead (import { abs } from 'penalty-explorer'; …
 * probePenalty(penalty('mine:1e-3'), { absFrom: 'abs is in scope here' })   // throws: … use the library's abs instead (abs is in scope here; …
 */
export function probePenalty(reg: PenaltyRegularizer, options: ProbeOptions = {}): void {
  // Its name and, from a module, which: `logsum (from ./logsum.ts)`.
  const name = `${reg.definition.name}${fromModule(reg.definition)}`;
  const value = userCall(name, ON_PROBE, () => tf.tidy(() => reg.value(tf.tensor2d(PROBE, [4, 4])).dataSync()[0] ?? NaN));
  if (!Number.isFinite(value)) {
    throw new SpecError(
      `penalty ${name} returned ${value} on ${ON_PROBE}; a penalty must be finite: check it for a log or a division at w = 0, or a value too large for float32 (${FLOAT32_RANGE})`,
    );
  }
  const nonZero = PROBE.filter((x) => x !== 0);
  // [the gradient at each non-zero probe value, TF.js's error when it finds no gradient (not the penalty's code: that throws a UserCodeError)].
  const [grad, noGradient] = userCall(name, `probe weights of shape [${nonZero.length}] (the non-zero probe values, for its gradient)`, () =>
    tf.tidy(() => {
      try {
        return [
          Array.from(
            tf
              .grad((x: Tensor) => tf.mul(DY, reg.value(x)))(tf.tensor1d(nonZero))
              .dataSync(),
            (g) => g / DY,
          ),
          '',
        ] as [number[], string];
      } catch (err) {
        if (err instanceof UserCodeError || err instanceof SpecError) throw err;
        return [[], (err as Error).message ?? String(err)] as [number[], string];
      }
    }),
  );
  if (noGradient) throw new SpecError(`penalty ${name} has no gradient with respect to the weights w: ${whyNoGradient(noGradient)}`);
  const at = grad.findIndex((g) => !Number.isFinite(g));
  if (at >= 0)
    throw new SpecError(
      `penalty ${name} has a non-finite gradient on a probe tensor: ${grad[at]} at w = ${nonZero[at]}; ` +
        `its gradient must be finite at every w ≠ 0 (probed at ±1e-3 … ±2): check it for divisions by |w| or logs of 0, or a root or log of |w − c|`,
    );
  checkDerivative(reg, name, nonZero, grad);
  const zero = atZero(reg, name);
  checkFiniteAtZero(name, zero.slope);
  checkRestsAtZero(name, zero, options.absFrom ?? "import { abs } from 'penalty-explorer'");
  if (grad.every((g) => g === 0)) {
    checkNotAStep(reg, name);
    // The built-in none is 0 by design.
    if (!reg.definition.builtin) checkDependsOnW(reg, name);
  }
  if (reg.definition.prox) probeProx(reg);
  if (options.weights) probeOnWeights(reg, options.weights);
}

/** What `probePenalty` says of the code it probes. */
export interface ProbeOptions {
  /**
   * Where the penalty's code gets the library's `abs`, as the refusal of `tf.abs` says it; by default
   * `import { abs } from 'penalty-explorer'` (a module's code). Code run with `abs` in its scope says
   * so here, e.g. `'abs is in scope'`.
   */
  readonly absFrom?: string;
  /**
   * The weights the penalty will be put on (a model's kernels, say), with their values: it is also
   * checked on each, at its value and at 0 on each distinct shape (`probeOnWeights`), where the probe
   * tensors' shapes cannot tell (a penalty that reduces over an axis, reshapes, or is NaN where a
   * whole filter is 0).
   */
  readonly weights?: readonly ProbedWeight[];
}

/** The distance from 0 at which `checkRestsAtZero` compares a penalty's value with its value at 0. */
const EPS = 1e-3;

/** A penalty at and around w = 0 on a weight tensor of shape [1]: its value at 0 and at ±EPS, its gradient at 0. */
interface AtZero {
  readonly atZero: number;
  readonly right: number;
  readonly left: number;
  readonly slope: number;
}

/** The penalty's value at w = 0 and ±EPS and its gradient at w = 0 (a user's error said as the probe's). */
function atZero(reg: PenaltyRegularizer, name: string): AtZero {
  return userCall(name, `probe weights of shape [1] (0 and ±${EPS}, for its gradient at w = 0)`, () =>
    tf.tidy(() => {
      const at = (w: number) => reg.value(tf.tensor1d([w])).dataSync()[0] ?? NaN;
      const slope =
        tf
          .grad((x: Tensor) => reg.value(x))(tf.tensor1d([0]))
          .dataSync()[0] ?? NaN;
      return { atZero: at(0), right: at(EPS), left: at(-EPS), slope };
    }),
  );
}

/**
 * A SpecError when a penalty's gradient at w = 0 (`slope`, on a weight tensor [0]) is NaN or ±∞: a
 * weight at exactly 0 — a bias, which starts at 0, or one an L1 has zeroed — would take a NaN or
 * infinite step, and the model's weights turn NaN. `tf.sqrt(tf.abs(w))` (−∞ there),
 * `tf.sqrt(abs(w))` and `tf.norm(w)` (NaN) are refused; the built-in lp, p < 1, has gradient 0 there.
 *
 * @example
 * checkFiniteAtZero('sqrtabs', Number.NEGATIVE_INFINITY)   // throws "penalty sqrtabs has gradient -Infinity at w = 0: …"
 */
function checkFiniteAtZero(name: string, slope: number): void {
  if (Number.isFinite(slope)) return;
  throw new SpecError(
    `penalty ${name} has gradient ${slope} at w = 0: its gradient must be finite at every w, 0 included, else a weight at exactly 0 ` +
      `(a bias, which starts at 0, or one the penalty has zeroed) takes a ${slope} step and the model's weights turn NaN. ${FINITE_AT_ZERO}`,
  );
}

/**
 * A SpecError when a penalty's gradient at w = 0 is finite and not 0 while its value is symmetric
 * and smallest there: φ(ε) = φ(−ε) > φ(0), ε = 10⁻³. Such a penalty pulls a weight toward 0 from
 * both sides, so its gradient at 0 must be 0 (0 lies between its slopes to the left and right);
 * anything else pushes a weight that sits at exactly 0 off it on every step. TF.js's `tf.abs` is
 * the cause: its gradient at 0 is −1, so `tf.abs(w)` is an L1 that never lets a weight rest at 0.
 * A smooth penalty (w², log(1 + w²)) and the library's `abs` (gradient sign(w), 0 at 0) pass. The
 * refusal says to use the library's `abs`, got as `absFrom` says (`ProbeOptions`).
 *
 * @example
 * checkRestsAtZero('tfabs', atZero(penalty('tfabs:1e-3'), 'tfabs'), "import { abs } from 'penalty-explorer'")
 * // fn (w) => tf.abs(w): throws "penalty tfabs has gradient -1 at w = 0 …"
 */
function checkRestsAtZero(name: string, { atZero, right, left, slope }: AtZero, absFrom: string): void {
  if (slope === 0 || !Number.isFinite(slope) || right !== left || !(right > atZero)) return;
  throw new SpecError(
    `penalty ${name} has gradient ${formatFloat32(slope)} at w = 0, where its value is symmetric and smallest (${formatFloat32(right)} at w = ±${EPS}, ${formatFloat32(atZero)} at w = 0): ` +
      `its gradient there must be 0, else training pushes every weight that sits at exactly 0 off it on every step — an L1 that never lets a weight rest at 0. ` +
      `TF.js's tf.abs has gradient -1 at w = 0: use the library's abs instead (${absFrom}; gradient sign(w), 0 at w = 0), e.g. abs(w), not tf.abs(w)`,
  );
}

/** Where a penalty whose gradient is 0 at every probe weight is looked at again: 401 weights from −2 to 2, 0.01 apart. */
const GRID = Array.from({ length: 401 }, (_, i) => (i - 200) / 100);

/**
 * A SpecError when an element-wise penalty is a step function: its gradient 0 at every weight of
 * `GRID`, yet its terms differ between them (`tf.floor(tf.mul(abs(w), 10))`, `tf.round`, `tf.ceil`,
 * `tf.sign`: TF.js's gradient of each is 0). Training would never move a weight by it while its
 * value, reported, changes. A continuous penalty whose value changes has a slope somewhere on the
 * grid (a dead zone wider than ±2, all 0 there, passes); a whole-tensor (scalar) value is not judged.
 *
 * @example
 * checkNotAStep(penalty('steps:1e-3'), 'steps')   // fn tf.floor(tf.mul(abs(w), 10)): throws "penalty steps has a zero gradient at every w …"
 */
function checkNotAStep(reg: PenaltyRegularizer, name: string): void {
  const on = `probe weights of shape [${GRID.length}] (−2 to 2, 0.01 apart, where its gradient was 0 at every probe weight)`;
  const [terms, grad] = userCall(name, on, () =>
    tf.tidy(() => {
      const w = tf.tensor1d(GRID);
      return [
        reg.terms(w).dataSync(),
        tf
          .grad((x: Tensor) => reg.value(x))(w)
          .dataSync(),
      ];
    }),
  );
  if (terms.length !== GRID.length || grad.some((g) => g !== 0)) return;
  const lowest = terms.indexOf(Math.min(...terms));
  const highest = terms.indexOf(Math.max(...terms));
  if (terms[lowest] === terms[highest]) return;
  throw new SpecError(
    `penalty ${name} has a zero gradient at every w from -2 to 2 (0.01 apart), yet its value changes between them ` +
      `(${formatFloat32(terms[lowest] ?? NaN)} at w = ${GRID[lowest]}, ${formatFloat32(terms[highest] ?? NaN)} at w = ${GRID[highest]}): a step function, which training cannot follow — ` +
      `it would report the penalty but never move a weight by it. tf.floor, tf.round, tf.ceil and tf.sign have a zero gradient in TF.js: ` +
      `write a penalty whose value changes continuously with w (e.g. abs(w), not tf.round(abs(w)))`,
  );
}

/** How far `checkDependsOnW` looks: the grid scaled by each, out to ±20 000 (past any dead zone meant). */
const FAR = [1, 100, 10_000];

/**
 * A SpecError when a penalty does not depend on the weights though TF.js finds a gradient for it:
 * its value the same, and its gradient 0, at every weight of `GRID` scaled by each of `FAR`
 * (`tf.onesLike(w)`, `tf.mul(w, 0)`: TF.js's gradient of each is 0, where `tf.scalar(1)` has none).
 * Training would never move a weight by it. A dead zone, however wide, has a slope beyond it, and a
 * value that overflows there is not judged.
 *
 * @example
 * checkDependsOnW(penalty('ones:1e-3'), 'ones')   // fn tf.onesLike(w): throws "penalty ones does not depend on the weights w: …"
 */
function checkDependsOnW(reg: PenaltyRegularizer, name: string): void {
  const on = `probe weights of shape [${GRID.length}] (−2 to 2, then 100 and 10 000 times that, where its gradient was 0 at every probe weight)`;
  const probed = userCall(name, on, () =>
    tf.tidy(() =>
      FAR.map((k) => {
        const w = tf.tensor1d(GRID.map((x) => x * k));
        return {
          value: reg.value(w).dataSync()[0] ?? NaN,
          flat: tf
            .grad((x: Tensor) => reg.value(x))(w)
            .dataSync()
            .every((g) => g === 0),
        };
      }),
    ),
  );
  const value = probed[0]?.value ?? NaN;
  if (!Number.isFinite(value) || !probed.every((p) => p.flat && p.value === value)) return;
  throw new SpecError(
    `penalty ${name} does not depend on the weights w: its value is ${formatFloat32(value)} and its gradient 0 at every w probed (from -20000 to 20000), ` +
      `so training would never move a weight by it (a constant such as tf.onesLike(w), or w times 0); compute it from w, e.g. tf.sum(abs(w))`,
  );
}

/**
 * A SpecError when the penalty's gradient `grad` at `points` (a probe tensor of their shape) is not
 * the derivative of its value (`gradientMismatch`), saying where, what it is, what finite differences
 * of the value give and what to fix. Skipped on a backend that computes in float16 (WebGL without
 * float32 textures): its values cannot resolve the step.
 */
function checkDerivative(reg: PenaltyRegularizer, name: string, points: number[], grad: number[]): void {
  if (tf.backend().floatPrecision() !== 32) return;
  const bad = gradientMismatch(points, grad, (w) =>
    userCall(name, `probe weights of shape [${w.length}] (the non-zero probe values, or with one moved by up to ${STEP}, to check its gradient)`, () => {
      const terms = tf.tidy(() => reg.terms(tf.tensor1d(w as number[])));
      try {
        return Float64Array.from(terms.dataSync());
      } finally {
        terms.dispose();
      }
    }),
  );
  if (!bad) return;
  const n = (v: number) => String(Number(v.toPrecision(6)));
  throw new SpecError(
    `penalty ${name} has a gradient that is not the derivative of its value: at w = ${n(bad.at)} (entry ${bad.index} of probe weights of shape [${points.length}], the others fixed) ` +
      `TF.js's gradient is ${n(bad.gradient)}, but finite differences of its value give ${n((bad.left + bad.right) / 2)} ` +
      `(its slope ${n(bad.left)} to the left, ${n(bad.right)} to the right, extrapolated to a zero step from steps down to ${n(bad.step)}); training would follow the wrong gradient. ` +
      `Fix the gradient: a tf.customGrad's gradFunc must return dy times the derivative of the value it returns (check its sign and factor, ` +
      `that it multiplies by dy, and that it differentiates the same function), or drop the customGrad and let TF.js differentiate the value`,
  );
}

/**
 * `call()` (the penalty run on the probe `on`, e.g. 'a probe tensor of shape [4,4]'), what its code
 * threw said as a SpecError naming the penalty `name` (with its module, if any) and that probe.
 */
function userCall<T>(name: string, on: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof UserCodeError) throw new SpecError(`penalty ${name} threw on ${on}: ${err.reason}`);
    // The library's check of what it returned names the penalty already; anything else is given it.
    if (err instanceof SpecError) {
      // penaltyTerms' check names the penalty by its name alone.
      const own = `penalty ${name.replace(/ \(from .*\)$/, '')} `;
      throw new SpecError(err.message.startsWith(own) ? `penalty ${name} ${err.message.slice(own.length)}` : `penalty ${name} on ${on}: ${err.message}`);
    }
    throw new SpecError(`penalty ${name} threw on ${on}: ${(err as Error).message ?? String(err)}`);
  }
}

/** The proximal operator on the probe tensor, at τ = 0 and τ = 0.1: finite weights of its shape. */
function probeProx(reg: PenaltyRegularizer): void {
  const name = `${reg.definition.name}${fromModule(reg.definition)}`;
  let finite: boolean;
  try {
    finite = tf.tidy(() => {
      const w = tf.tensor2d(PROBE, [4, 4]);
      return [0, 0.1].every((tau) => tf.all(tf.isFinite(reg.prox(w, tf.fill([4, 4], tau)))).dataSync()[0] === 1);
    });
  } catch (err) {
    if (err instanceof SpecError && !(err instanceof UserCodeError)) throw err;
    const reason = err instanceof UserCodeError ? err.reason : ((err as Error).message ?? String(err));
    throw new SpecError(`the proximal operator of penalty ${name} threw on ${ON_PROBE}: ${reason}`);
  }
  if (!finite) throw new SpecError(`the proximal operator of penalty ${name} returned a non-finite weight on ${ON_PROBE}; it must return finite weights`);
}
