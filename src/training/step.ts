/**
 * The project's training step, used instead of TF.js's `fit` (which ignores `kernelConstraint`,
 * tensorflow/tfjs issue 3345):
 *
 *   batch ──► forward ──► data loss + Σ penalties ──► gradients ──► optimiser update ──► constraints
 *
 * Gradient transforms and per-layer learning rates are part of the optimiser (src/optim/).
 *
 * Penalties are the layers' regularizers (`kernelRegularizer`, `biasRegularizer`); constraints
 * are the layers' constraints (`kernelConstraint`, `biasConstraint`), applied to each weight
 * after every update, as Keras does.
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** Mean categorical cross-entropy of probabilities (Keras clips them to [1e-7, 1 − 1e-7]). */
export const categoricalCrossentropy: LossFn = (yTrue, yPred) => tf.mean(tf.metrics.categoricalCrossentropy(yTrue, yPred)) as Scalar;

/** Mean softmax cross-entropy from logits: stable, with a gradient even where the softmax saturates. */
export const crossEntropyFromLogits: LossFn = (yTrue, logits) => tf.losses.softmaxCrossEntropy(yTrue, logits) as Scalar;

export interface TrainStepOptions {
  /** The data loss; default mean categorical cross-entropy. */
  readonly loss?: LossFn;
  /** Also measure the batch's accuracy (arg-max of prediction = arg-max of one-hot label). */
  readonly accuracy?: boolean;
  /** Also measure, per constrained weight, the share of output channels its constraint changed. */
  readonly measureConstraints?: boolean;
}

export interface StepResult {
  /** The data loss of the batch, before the update. */
  readonly dataLoss: number;
  /** Σ λ·penalty over every regularised weight, before the update. */
  readonly penaltyLoss: number;
  /** The batch's accuracy before the update (NaN unless asked for). */
  readonly accuracy: number;
  /** Per constrained weight (e.g. `conv2d_1/kernel`): share of output channels projected (with `measureConstraints`). */
  readonly projected: Record<string, number>;
}

/** Σ of every layer's regularizer terms (a scalar; 0 when nothing is regularised). */
export function penaltyLoss(model: tf.LayersModel): Scalar {
  return tf.tidy(() => {
    const terms = model.calculateLosses();
    return terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as Scalar);
  });
}

/**
 * Project every weight that has a constraint: w ← constraint(w). With `measure`, also return, per
 * constrained weight, the share of its output channels (last axis) the constraint changed.
 */
export function applyConstraints(model: tf.LayersModel, measure = false): Record<string, number> {
  const names: string[] = [];
  const shares: Tensor[] = [];
  for (const lv of model.weights) {
    if (lv.constraint == null) continue;
    const v = lv.read() as tf.Variable;
    tf.tidy(() => {
      const after = lv.constraint.apply(v);
      if (measure) {
        const changed = tf.greater(tf.abs(tf.sub(after, v)), tf.mul(1e-6, tf.add(1, tf.abs(v))));
        const perChannel = tf.any(tf.reshape(changed, [-1, v.shape[v.rank - 1] ?? 1]), 0);
        names.push(lv.originalName);
        shares.push(tf.keep(tf.mean(tf.cast(perChannel, 'float32'))));
      }
      v.assign(after);
    });
  }
  if (shares.length === 0) return {};
  // One download for all constrained weights.
  const values = tf.tidy(() => tf.stack(shares).dataSync());
  tf.dispose(shares);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 0]));
}

/**
 * One training step on one batch: gradients of data loss plus penalties, the optimiser's update,
 * then the constraints.
 *
 * @example
 * const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
 * const { dataLoss, penaltyLoss } = trainStep(model, opt, xs, ys);
 */
export function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: Tensor, y: Tensor, options: TrainStepOptions = {}): StepResult {
  const loss = options.loss ?? categoricalCrossentropy;
  const vars = model.trainableWeights.map((lv) => lv.read() as tf.Variable);
  let parts: Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const yPred = model.apply(x, { training: true }) as Tensor;
    const data = loss(y, yPred);
    const pen = penaltyLoss(model);
    const acc = options.accuracy ? tf.mean(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(y, -1)), 'float32')) : tf.scalar(NaN);
    parts = tf.keep(tf.stack([data, pen, acc]));
    return tf.add(data, pen) as Scalar;
  }, vars);
  optimizer.applyGradients(grads);
  const projected = applyConstraints(model, options.measureConstraints === true);
  const [dataLoss = NaN, penalty = NaN, accuracy = NaN] = parts ? Array.from(parts.dataSync()) : [];
  tf.dispose([value, parts, ...Object.values(grads)]);
  return { dataLoss, penaltyLoss: penalty, accuracy, projected };
}
