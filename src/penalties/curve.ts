/**
 * A penalty sampled at single weights: λ·φ(w) and its slope d(λ·φ)/dw at evenly spaced w, for
 * the penalty-shape figures. Training samples the model's penalties once and stores the curves in
 * the run record (training/run-config.ts), so a figure drawn later from the record — in another
 * process, from a shared folder — needs no penalty code. Proximal penalties are sampled as the
 * penalty itself (their gradient leaves the loss, their shape does not change).
 *
 * A built-in penalty (its φ element by element: φ(w_i) depends on w_i alone) is sampled at every
 * point in one call, on the backends where that is the per-point sampling's result bit for bit
 * (SAME_AT_ONCE: TF.js's cpu and the onnxruntime backend's host kernels, which take a 401-point curve
 * as the cpu backend does); any other penalty (a user's may be of the whole tensor) point by point,
 * 401 calls (≈ 180 ms of CPU for the reference CNN's L1 on the onnxruntime backend).
 */

import { InterruptedError } from '../errors.ts';
import type { PenaltyCurve } from '../formats/index.ts';
import { lossFormula } from '../registry/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/**
 * The backends whose kernels give a built-in's curve sampled at once the per-point sampling's values and
 * slopes bit for bit (the same float32 operations on each weight; test/penalties/curve.test.ts compares
 * every built-in on both): the onnxruntime backend's kernels hand tensors under 32 768 elements to the cpu
 * backend's. Elsewhere (wasm, WebGL, WebGPU) a curve is sampled point by point.
 */
const SAME_AT_ONCE: ReadonlySet<string> = new Set(['cpu', 'onnxruntime']);

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
  const formula = lossFormula(reg.definition);
  if (reg.definition.builtin && SAME_AT_ONCE.has(tf.getBackend())) return sampledAtOnce(reg, formula, range, points);
  return sampleCurve((w) => tf.mul(reg.strength, reg.value(w)) as Scalar, reg.spec, formula, range, points);
}

/** The weights a curve is sampled at: `points` evenly spaced over `range`, each rounded to 12 digits. */
function sampleWeights(range: readonly [number, number], points: number): number[] {
  const step = (range[1] - range[0]) / (points - 1);
  return Array.from({ length: points }, (_, i) => Number((range[0] + i * step).toPrecision(12)));
}

/** The curve as a list, or undefined when a value or slope is not finite. */
function curveOf(out: Array<{ w: number; value: number; slope: number }>, spec: string, formula: string): PenaltyCurve | undefined {
  return out.every((p) => Number.isFinite(p.value) && Number.isFinite(p.slope)) ? { spec, formula, points: out } : undefined;
}

/**
 * A built-in penalty's curve from one evaluation of the weights as a column [points, 1]: each row's terms summed
 * on their own (as `value` sums a single weight's), times λ; the slopes the gradient of their total, which reaches
 * each weight as a single weight's gradient does (1 · λ, then φ's backward of that weight alone).
 */
function sampledAtOnce(reg: PenaltyRegularizer, formula: string, range: readonly [number, number], points: number): PenaltyCurve | undefined {
  const ws = sampleWeights(range, points);
  const rows = (w: Tensor) => tf.mul(reg.strength, tf.sum(reg.terms(w), 1));
  let values: Float32Array;
  let slopes: Float32Array;
  try {
    [values, slopes] = tf.tidy(() => {
      const w = tf.tensor2d(ws, [points, 1]);
      return [
        rows(w).dataSync() as Float32Array,
        tf
          .grad((x: Tensor) => tf.sum(rows(x)) as Scalar)(w)
          .dataSync() as Float32Array,
      ];
    });
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    return undefined;
  }
  return curveOf(
    ws.map((w, i) => ({ w, value: values[i] ?? NaN, slope: slopes[i] ?? NaN })),
    reg.spec,
    formula,
  );
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
  const f = tf.valueAndGrad(term);
  let out: Array<{ w: number; value: number; slope: number }>;
  try {
    out = sampleWeights(range, points).map((w) => {
      return tf.tidy(() => {
        const r = f(tf.tensor1d([w]));
        return { w, value: r.value.dataSync()[0] ?? NaN, slope: r.grad.dataSync()[0] ?? NaN };
      });
    });
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    return undefined;
  }
  return curveOf(out, spec, formula);
}
