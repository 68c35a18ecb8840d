/**
 * What one thread computes on (part of) a batch, shared by the local step, the main thread's shard
 * and the shard workers, so all do exactly the same:
 *
 *   lossSum = Σᵢ lossᵢ        correct = #{ i : prediction i right }       penalty = Σ λ·penalty
 *   gradients of  scale · lossSum + penalty     (scale = 1 / samples in the whole batch)
 *
 * With scale = 1 / batch size the shards' gradients add up to the whole batch's; the penalties
 * are counted once, because only the main thread's model has regularizers.
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';
import { forward } from './forward.ts';
import type { Loss } from './losses.ts';

/** Gradients (by variable name; the caller disposes them) and the batch's numbers. */
export interface BatchGradients {
  readonly grads: tf.NamedTensorMap;
  /** Σ of per-sample data losses. */
  readonly lossSum: number;
  /** Correct predictions (NaN when the loss has no accuracy). */
  readonly correct: number;
  /** Σ λ·penalty of the model's regularizers (0 when it has none). */
  readonly penalty: number;
  /** Samples in the batch. */
  readonly n: number;
}

/**
 * Σ of every layer's regularizer terms (a scalar; 0 when nothing is regularised). Summed over the
 * layers, not `model.calculateLosses()`: a Sequential model reports none until its first call.
 */
export function penaltyLoss(model: tf.LayersModel): Scalar {
  return tf.tidy(() => {
    const terms = model.layers.flatMap((l) => l.calculateLosses());
    return terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as Scalar);
  });
}

/** [Σ loss, correct count] of the model on x against y, as tensors. */
export function lossAndCorrect(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss, training: boolean): [Scalar, Scalar] {
  const { pred, logits } = forward(model, x, loss, training);
  return [loss.sum(y, pred, logits), loss.correct ? loss.correct(y, pred) : tf.scalar(NaN)];
}

/** The trainable variables of a model, in order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((lv) => lv.read() as tf.Variable);
}

/** Gradients with respect to the model's trainable weights of  scale · Σ loss + penalties, in training mode. */
export function batchGradients(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss, scale: number): BatchGradients {
  const vars = trainableVariables(model);
  let parts: Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const [sum, correct] = lossAndCorrect(model, x, y, loss, true);
    const pen = penaltyLoss(model);
    parts = tf.keep(tf.stack([sum, correct, pen]));
    return tf.add(tf.mul(sum, scale), pen) as Scalar;
  }, vars);
  const [lossSum = NaN, correct = NaN, penalty = NaN] = parts ? Array.from(parts.dataSync()) : [];
  tf.dispose([value, parts]);
  return { grads, lossSum, correct, penalty, n: x.shape[0] ?? 0 };
}

/** Σ loss and correct count of the model on x against y, `chunk` samples at a time (activations stay small). */
export function evaluateChunked(model: tf.LayersModel, x: Tensor, y: Tensor, loss: Loss, chunk: number): { lossSum: number; correct: number } {
  const n = x.shape[0] ?? 0;
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < n; s += chunk) {
    const size = Math.min(chunk, n - s);
    const [l, c] = tf.tidy(() => {
      const xs = size === n ? x : tf.slice(x, s, size);
      const ys = size === n ? y : tf.slice(y, s, size);
      const out = tf.stack(lossAndCorrect(model, xs, ys, loss, false)).dataSync();
      return [out[0] ?? NaN, out[1] ?? NaN];
    });
    lossSum += l;
    correct += c;
  }
  return { lossSum, correct };
}
