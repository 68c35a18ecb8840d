/**
 * A step's Σ λ·penalty as partial sums, so the number recorded for the batch is summed in float64
 * from one download the step makes anyway, not by the backend's float32 sum over every weight:
 *
 *   this library's element-wise penalty, TF.js's L1L2  ─► λ·φ(w) in chunks of at most 256 entries,
 *   (in proximal mode: its gradient 0, as its apply)      each chunk summed on the backend
 *   this library's penalty of a scalar φ                ─► λ·φ(w), one partial
 *   another regularizer class                           ─► its own value apply(w), one partial
 *   partials ─► total = Σ partials on the backend (differentiable: the step's gradient is taken of it)
 *            ─► downloaded with the step's scores ─► Σ in float64 (`sumPartials`)
 *
 * A float32 sum drifts with the weight count: a Dense 1000×1000 of weights 1e-3 under L1 (Σ|w| ≈
 * 1000) summed to 991.14 on wasm, 999.54 on onnxruntime; a chunk of 256 keeps each backend sum short.
 *
 * @example
 * const { partials, total } = penaltyParts(model);   // inside tf.variableGrads: total is the loss term
 * sumPartials(partials.dataSync())                   // Σ λ·penalty, in float64
 */
import { penalised, type WeightEntry } from '../model/index.ts';
import { chunkOf, l1l2Of } from '../monitor/index.ts';
import { isPenalty, isProximal, noGradient } from '../penalties/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';

/** Σ of `phi` in chunks (`chunkOf`): a vector of partial sums. */
function chunkSums(phi: Tensor): Tensor {
  const p = chunkOf(phi.size);
  return p === phi.size ? tf.reshape(tf.sum(phi), [1]) : tf.sum(tf.reshape(phi, [phi.size / p, p]), 1);
}

/** λ·φ(w) of one regularizer as partial sums (a vector), or its value alone (a vector of one). */
function partialsOf(r: NonNullable<WeightEntry['regularizer']>, w: Tensor): Tensor {
  const l1l2 = l1l2Of(r);
  if (l1l2) {
    const phi =
      l1l2.l1 && l1l2.l2
        ? tf.add(tf.mul(l1l2.l1, tf.abs(w)), tf.mul(l1l2.l2, tf.square(w)))
        : l1l2.l1
          ? tf.mul(l1l2.l1, tf.abs(w))
          : tf.mul(l1l2.l2, tf.square(w));
    return chunkSums(phi);
  }
  if (isPenalty(r)) {
    const terms = r.terms(w);
    const parts = terms.rank > 0 ? tf.mul(r.strength, chunkSums(terms)) : tf.reshape(tf.mul(r.strength, terms), [1]);
    // In proximal mode its value counts, its gradient does not (as its own apply).
    return isProximal(r) ? (noGradient(parts) as Tensor) : parts;
  }
  return tf.reshape(r.apply(w), [1]);
}

/**
 * Σ λ·penalty over every penalised weight (as `penaltyTerms`), as `partials` (a vector, to download
 * and add up with `sumPartials`) and their `total` (a scalar, 0 when nothing is penalised;
 * differentiable inside a tape).
 */
export function penaltyParts(model: tf.LayersModel): { partials: Tensor; total: Scalar } {
  const parts = penalised(model).map((e) => partialsOf(e.regularizer!, e.variable.read()));
  if (parts.length === 0) return { partials: tf.zeros([0]), total: tf.scalar(0) };
  const partials = parts.length === 1 ? (parts[0] as Tensor) : tf.concat(parts);
  return { partials, total: tf.sum(partials) as Scalar };
}

/** Σ of downloaded partials, in float64. */
export function sumPartials(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}
