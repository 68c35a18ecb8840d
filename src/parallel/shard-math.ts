/**
 * What a shard computes, shared by the main thread and the workers, so both do exactly the same:
 *
 *   lossSum = Σᵢ softmaxCrossEntropy(yᵢ, logitsᵢ)        correct = #{ i : argmax logitsᵢ = argmax yᵢ }
 *   gradients of  scale · lossSum + Σ penalties          (shardGradients)
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';
import { penaltyLoss } from '../training/step.ts';

/** [Σ per-sample cross-entropy, correct count] of logits against one-hot labels, as tensors. */
export function shardLossAndCorrect(y: Tensor, logits: Tensor): [Scalar, Scalar] {
  const perSample = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(y, -1)), 'float32')) as Scalar;
  return [tf.sum(perSample) as Scalar, correct];
}

/** A shard's gradients (tensors, the caller disposes them) and its numbers. */
export interface ShardGradients {
  readonly grads: tf.NamedTensorMap;
  readonly lossSum: number;
  readonly correct: number;
  /** Σ λ·penalty of the model's regularizers (0 for a worker's bare copy). */
  readonly penalty: number;
}

/**
 * Gradients with respect to `vars` of  scale · Σ cross-entropy(shard) + Σ penalties  on the shard
 * (x: inputs, y: one-hot labels), computed in training mode. With scale = 1 / batch size, the
 * shards' gradients add up to the whole batch's, and the penalties are counted once: only the
 * main thread's model has regularizers.
 */
export function shardGradients(model: tf.LayersModel, vars: tf.Variable[], x: Tensor, y: Tensor, scale: number): ShardGradients {
  let parts: Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const [loss, correct] = shardLossAndCorrect(y, model.apply(x, { training: true }) as Tensor);
    const pen = penaltyLoss(model);
    parts = tf.keep(tf.stack([loss, correct, pen]));
    return tf.add(tf.mul(loss, scale), pen) as Scalar;
  }, vars);
  const [lossSum = NaN, correct = NaN, penalty = NaN] = parts ? Array.from(parts.dataSync()) : [];
  tf.dispose([value, parts]);
  return { grads, lossSum, correct, penalty };
}

/**
 * Σ cross-entropy and correct count of `model` on n samples given flat (x: inputs, y: one-hot
 * labels), `chunk` samples at a time so activations stay small.
 */
export function evaluateFlat(model: tf.LayersModel, x: Float32Array, y: Float32Array, n: number, chunk: number): { lossSum: number; correct: number } {
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
  const perX = x.length / n;
  const perY = y.length / n;
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const [l, c] = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(s * perX, e * perX), [e - s, ...inputShape], 'float32');
      const ys = tf.tensor2d(y.subarray(s * perY, e * perY), [e - s, perY]);
      const [loss, right] = shardLossAndCorrect(ys, model.predict(xs) as Tensor);
      return [loss.dataSync()[0] ?? NaN, right.dataSync()[0] ?? NaN];
    });
    lossSum += l;
    correct += c;
  }
  return { lossSum, correct };
}

/** Tensors (weights or their gradients, in model order) concatenated into one flat array. */
export function flatTensors(tensors: readonly Tensor[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(tensors.reduce((s, t) => s + t.size, 0));
  let off = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, off);
    off += t.size;
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
