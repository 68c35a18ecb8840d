/**
 * The penalties at the untrained weights, checked before training: training computes its loss in
 * float32, whose largest value is 3.4028235e38; a λ·penalty beyond it — finite in float64, where
 * the record sums it — is ∞ in the step (l2:1e38 on the reference CNN, or l2:1.3e34 whose weights'
 * sum is 4.1e38 on onnxruntime's fused graph), which stopped the run at its first batch as if it
 * had diverged. Nothing diverged: the strength is too large for these weights. So with a λ·penalty
 * already NaN or ±∞ at these weights (Σ log|w| at a bias of 0): the penalty is not finite there.
 *
 *   each penalised weight ─► λ·penalty, read back once for all, summed in float64 (penaltySums) ─┬► a weight's v NaN or ±∞ ─► SpecError (not finite)
 *                                                                                                  └► a weight's |v| or |Σ v| > FLOAT32_MAX ─► SpecError (too large)
 *
 * checkUntrainedWeights runs both checks (and checkPenaltyGradients) of the weights a run starts from, once per call of fit or
 * fitToFolder (fitToFolder's own, before its folder is touched, stands for fit's), and for penx on
 * TF.js's cpu backend before its training backend starts.
 */
import { SpecError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import { penaltySums } from '../monitor/index.ts';
import { formatNumber } from '../registry/index.ts';
import type { tf } from '../tf.ts';
import { checkFiniteWeights } from './finite-weights.ts';
import { checkPenaltyGradients } from './penalty-gradients.ts';
import { describePenalty } from './run-config.ts';

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷: beyond it, a float32 result is ±∞. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** `x` (> 0) to two significant digits, rounded down: 1.0549e36 ─► 1e36, 2.27e35 ─► 2.2e35. */
function twoDigitsBelow(x: number): number {
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.floor(x / unit) * unit).toPrecision(2));
}

/**
 * A SpecError when λ·penalty at `model`'s weights as they are (the untrained ones) is NaN or ±∞ for
 * some weight — it names each such weight, its penalty and value, and points to probePenalty — or is
 * finite but beyond float32's range (|v| > 3.4028235e38), in which training computes its loss — a weight's, or
 * their sum, which the loss holds (a fused training graph computes it whole): it names the values and penalties, and for each penalty the
 * largest strength that keeps them in range (λ·3.4028235e38/|v| for the largest |v|, to two digits
 * rounded down).
 *
 * @example
 * // l2:1e38 on two kernels whose Σw² are 320 and 4:
 * checkPenaltyRange(model);   // throws: the penalty is too large for float32 at the untrained weights: λ·penalty is 3.2e40 for a/kernel (l2:1e38), 4e38 for b/kernel (l2:1e38), 3.24e40 summed over the weights; …; give a smaller strength (l2:1e38: λ at most 1e36)
 * // a penalty Σ log|w| on a bias initialised to 0:
 * checkPenaltyRange(model);   // throws: the penalty is not finite at the untrained weights: λ·penalty is -Infinity for d/bias (logabs:0.001); …; check it with probePenalty, …
 */
export function checkPenaltyRange(model: tf.LayersModel): void {
  const weights = inventory(model).weights.filter((w) => w.regularizer);
  if (weights.length === 0) return;
  // One read-back for all the penalised weights (their φ(w), or their values under TF.js's L1L2).
  const sums = penaltySums(weights);
  const all = weights.flatMap((w) => {
    const v = sums.get(w);
    const info = w.regularizer ? describePenalty(w.regularizer) : undefined;
    return v !== undefined && info ? [{ name: w.name, v, info }] : [];
  });
  const notFinite = all.filter((o) => !Number.isFinite(o.v));
  if (notFinite.length > 0) {
    throw new SpecError(
      `the penalty is not finite at the untrained weights: λ·penalty is ${notFinite.map(({ name, v, info }) => `${v} for ${name} (${info.spec})`).join(', ')}; ` +
        'nothing was trained; a penalty must be finite at the weights training starts from (a log or a division at w = 0 is not, nor a value beyond 3.4028235e38, the largest float32, in which TF.js computes it: ±Infinity): ' +
        'check it with probePenalty, or start from weights where it is finite',
    );
  }
  const total = all.reduce((t, o) => t + o.v, 0);
  if (Math.abs(total) <= FLOAT32_MAX && all.every((o) => Math.abs(o.v) <= FLOAT32_MAX)) return;
  const shown = (v: number) => formatNumber(Number(v.toPrecision(3)));
  const over = all.filter((o) => Math.abs(o.v) > FLOAT32_MAX);
  const values = [
    ...over.map(({ name, v, info }) => `${shown(v)} for ${name} (${info.spec})`),
    ...(all.length > 1 && Math.abs(total) > FLOAT32_MAX ? [`${shown(total)} summed over the weights`] : []),
  ].join(', ');
  // All strengths scaled by one factor bring the largest value, and the sum, back into range.
  const factor = Math.max(Math.abs(total), ...all.map((o) => Math.abs(o.v))) / FLOAT32_MAX;
  const specs = [...new Set(all.map((o) => o.info.spec))].map((spec) => {
    const strength = all.find((o) => o.info.spec === spec)?.info.strength;
    return typeof strength === 'number' && strength > 0 ? `${spec}: λ at most ${formatNumber(twoDigitsBelow(strength / factor))}` : spec;
  });
  throw new SpecError(
    `the penalty is too large for float32 at the untrained weights: λ·penalty is ${values}, beyond 3.4028235e38, the largest float32; ` +
      `training computes its loss in float32, where this is infinite; nothing was trained; give a smaller strength (${specs.join('; ')})`,
  );
}

/**
 * The weights a run starts from, checked before training as fit and fitToFolder check them: a
 * NonFiniteWeightsError when a weight holds NaN or ±∞ (checkFiniteWeights), else a SpecError when
 * λ·penalty at them is not finite or beyond float32's range (checkPenaltyRange), or when TF.js has no
 * gradient of a user's penalty there (checkPenaltyGradients). Call it on the
 * model as built (on any backend: TF.js's cpu before the training backend starts, say) to refuse
 * such a run before anything else is started or written.
 *
 * @example
 * checkUntrainedWeights(model)   // with l2:1e38 on the reference CNN: throws "the penalty is too large for float32 at the untrained weights: …"
 */
export function checkUntrainedWeights(model: tf.LayersModel): void {
  checkFiniteWeights(model);
  checkPenaltyRange(model);
  checkPenaltyGradients(model);
}
