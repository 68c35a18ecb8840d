/**
 * What a shard computes, shared by the main thread and the workers, so both do exactly the same:
 *
 *   lossSum = Σᵢ softmaxCrossEntropy(yᵢ, logitsᵢ)        correct = #{ i : argmax logitsᵢ = argmax yᵢ }
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';

/** [Σ per-sample cross-entropy, correct count] of logits against one-hot labels, as tensors. */
export function shardLossAndCorrect(y: Tensor, logits: Tensor): [Scalar, Scalar] {
  const perSample = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(y, -1)), 'float32')) as Scalar;
  return [tf.sum(perSample) as Scalar, correct];
}

/** All trainable weights, flat, in model order. */
export function flatWeights(vars: readonly tf.Variable[]): Float32Array {
  const out = new Float32Array(vars.reduce((s, v) => s + v.size, 0));
  let off = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, off);
    off += v.size;
  }
  return out;
}

/** Write flat weights into the variables (assign, not setWeights: no constraint is applied). */
export function assignFlat(vars: readonly tf.Variable[], flat: Float32Array): void {
  let off = 0;
  for (const v of vars) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(off, off + v.size), v.shape, 'float32')));
    off += v.size;
  }
  if (off !== flat.length) throw new Error(`expected ${off} weights, got ${flat.length}`);
}

/** The topology of a model with every regularizer and constraint removed (workers compute the data loss only). */
export function bareTopology(model: tf.LayersModel): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, /_(regularizer|constraint)$/.test(k) ? null : strip(x)]),
    );
  };
  return strip(model.toJSON(null, false));
}
