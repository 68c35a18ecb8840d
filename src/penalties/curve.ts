/**
 * A penalty sampled at single weights: λ·φ(w) and its slope d(λ·φ)/dw at evenly spaced w, for
 * the penalty-shape figures. Training samples the model's penalties once and stores the curves in
 * the run record (training/run-config.ts), so a figure drawn later from the record — in another
 * process, from a shared folder — needs no penalty code. Proximal penalties are sampled as the
 * penalty itself (their gradient leaves the loss, their shape does not change).
 */

import { InterruptedError } from '../errors.ts';
import type { PenaltyCurve } from '../formats/index.ts';
import { lossFormula } from '../registry/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** The range and resolution training stores: [−2, 2] in steps of 0.01 (0 is a sample). */
export const STORED_CURVE = { range: [-2, 2] as const, points: 401 };

/**
 * λ·φ(w) and its slope at `points` evenly spaced single weights over `range`; undefined when the
 * penalty is not finite there, or cannot be evaluated on a single weight (it throws).
 *
 * @example
 * samplePenaltyCurve(penalty('l1:1e-4'), [-1, 1], 201)?.points[200];   // { w: 1, value: 1e-4, slope: 1e-4 }
 */
export function samplePenaltyCurve(
  reg: PenaltyRegularizer,
  range: readonly [number, number] = STORED_CURVE.range,
  points = STORED_CURVE.points,
): PenaltyCurve | undefined {
  return sampleCurve((w) => tf.mul(reg.strength, reg.value(w)) as Scalar, reg.spec, lossFormula(reg.definition), range, points);
}

/**
 * Any penalty term (`term(w)`: its λ·φ of a weight tensor — e.g. TF.js's own regularizer's
 * `apply`) sampled as `samplePenaltyCurve` does, under the spec and formula given.
 */
export function sampleCurve(
  term: (w: Tensor) => Scalar,
  spec: string,
  formula: string,
  range: readonly [number, number] = STORED_CURVE.range,
  points = STORED_CURVE.points,
): PenaltyCurve | undefined {
  const step = (range[1] - range[0]) / (points - 1);
  const f = tf.valueAndGrad(term);
  let out: Array<{ w: number; value: number; slope: number }>;
  try {
    out = Array.from({ length: points }, (_, i) => {
      const w = Number((range[0] + i * step).toPrecision(12));
      return tf.tidy(() => {
        const r = f(tf.tensor1d([w]));
        return { w, value: r.value.dataSync()[0] ?? NaN, slope: r.grad.dataSync()[0] ?? NaN };
      });
    });
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    return undefined;
  }
  return out.every((p) => Number.isFinite(p.value) && Number.isFinite(p.slope)) ? { spec, formula, points: out } : undefined;
}
