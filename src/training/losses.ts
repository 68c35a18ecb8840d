/**
 * Data losses by name, each as a sum of per-sample losses (so a batch cut in shards adds up to
 * the whole batch), and an accuracy count where the loss is a classification one:
 *
 *   categoricalCrossentropy        −Σ y·log p, one-hot y. When the model ends in a softmax, taken
 *                                  from the logits (stable, as Keras does); else of p clipped to [ε, 1 − ε]
 *   sparseCategoricalCrossentropy  the same with class indices as labels
 *   softmaxCrossEntropyFromLogits  the model's outputs are logits; one-hot y
 *   meanSquaredError               mean over the outputs of (y − ŷ)², per sample
 *
 * A function `(yTrue, yPred) => scalar` is a loss too: the batch mean, with no accuracy.
 */

import { UsageError } from '../errors.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';

/** The losses known by name (see the file's comment for each one's formula). */
export const LOSS_NAMES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'softmaxCrossEntropyFromLogits', 'meanSquaredError'] as const;
/** A loss known by name: one of `LOSS_NAMES`. */
export type LossName = (typeof LOSS_NAMES)[number];

/** A loss function: the mean over the batch of yPred against yTrue. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;
/** A loss as `fit` takes it: a name, or a function `(yTrue, yPred) => scalar` (the batch mean). */
export type LossSpec = LossName | LossFn;

/** Clip of probabilities in the cross-entropy of a model without a final softmax (Keras's ε). */
const EPSILON = 1e-7;

/**
 * A data loss as the training step uses it: a sum of per-sample losses over a batch (so shards add
 * up), and its count of correct predictions where it is a classification loss.
 *
 * Formula: sum = Σᵢ ℓ(yᵢ, ŷᵢ); the batch loss is sum / n
 */
export interface Loss {
  /** The name, or `custom` for a function. */
  readonly name: string;
  /** Whether the loss reads logits where the model ends in a softmax (see forward.ts). */
  readonly wantsLogits: boolean;
  /** Σ of per-sample losses over the batch (`pred`: logits when `wantsLogits` and the model ends in a softmax). */
  sum(yTrue: Tensor, pred: Tensor, logits: boolean): Scalar;
  /** Correct predictions in the batch; undefined for a loss without accuracy. */
  correct?(yTrue: Tensor, pred: Tensor): Scalar;
}

const sumOf = (t: Tensor) => tf.sum(t) as Scalar;
const argMaxEqual = (a: Tensor, b: Tensor) => tf.sum(tf.cast(tf.equal(a, b), 'float32')) as Scalar;

function crossEntropySum(oneHot: Tensor, pred: Tensor, logits: boolean): Scalar {
  if (logits) return sumOf(tf.losses.softmaxCrossEntropy(oneHot, pred, undefined, 0, tf.Reduction.NONE));
  return sumOf(tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(pred, EPSILON, 1 - EPSILON))), -1)));
}

/** Sparse labels ([n] or [n, 1] class indices) as one-hot rows of `classes`. */
function oneHotOf(labels: Tensor, classes: number): Tensor {
  return tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes);
}

const NAMED: Record<LossName, Loss> = {
  categoricalCrossentropy: {
    name: 'categoricalCrossentropy',
    wantsLogits: true,
    sum: crossEntropySum,
    correct: (y, pred) => argMaxEqual(tf.argMax(pred, -1), tf.argMax(y, -1)),
  },
  sparseCategoricalCrossentropy: {
    name: 'sparseCategoricalCrossentropy',
    wantsLogits: true,
    sum: (y, pred, logits) => crossEntropySum(oneHotOf(y, pred.shape[pred.rank - 1] ?? 1), pred, logits),
    correct: (y, pred) => argMaxEqual(tf.argMax(pred, -1), tf.cast(tf.reshape(y, [-1]), 'int32')),
  },
  softmaxCrossEntropyFromLogits: {
    name: 'softmaxCrossEntropyFromLogits',
    wantsLogits: false,
    sum: (y, pred) => crossEntropySum(y, pred, true),
    correct: (y, pred) => argMaxEqual(tf.argMax(pred, -1), tf.argMax(y, -1)),
  },
  meanSquaredError: {
    name: 'meanSquaredError',
    wantsLogits: false,
    sum: (y, pred) => sumOf(tf.mean(tf.reshape(tf.squaredDifference(pred, y), [pred.shape[0] ?? -1, -1]), -1)),
  },
};

/**
 * The loss for a name or function; a UsageError for an unknown name.
 *
 * @example
 * lossOf('sparseCategoricalCrossentropy').sum(labels, logits, true)
 */
export function lossOf(spec: LossSpec = 'categoricalCrossentropy'): Loss {
  if (typeof spec === 'function') {
    return { name: 'custom', wantsLogits: false, sum: (y, pred) => tf.mul(spec(y, pred), pred.shape[0] ?? 1) as Scalar };
  }
  const named = (NAMED as Record<string, Loss | undefined>)[spec];
  if (!named) throw new UsageError(`unknown loss '${spec}'; expected one of ${LOSS_NAMES.join(', ')}, or a function (yTrue, yPred) => scalar`);
  return named;
}

/** True when the loss can be sent to a worker thread by name (functions cannot). */
export function isNamedLoss(spec: LossSpec): spec is LossName {
  return typeof spec === 'string';
}
