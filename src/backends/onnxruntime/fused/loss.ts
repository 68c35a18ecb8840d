/**
 * The data losses of src/training/losses.ts in the fused graph, each a sum of per-sample losses
 * over the real samples (mask m: 1 for a sample, 0 for padding), with its gradient scaled by
 * `scale` (1 / samples in the batch) and, for a classification loss, the correct count:
 *
 *   categoricalCrossentropy (logits)   ls = logsoftmax(z); loss = −Σ y·ls;  dz = (eˡˢ − y)·m·scale  (eˡˢ < 1e-20 taken as 0)
 *   categoricalCrossentropy (probs)    p̂ = clip(p, ε, 1 − ε); loss = −Σ y·log p̂;  dp = −y/p̂·[ε ≤ p ≤ 1 − ε]·m·scale
 *   sparseCategoricalCrossentropy      the same with y = one-hot of the class index (indices outside give zeros)
 *   softmaxCrossEntropyFromLogits      the logits form on the model's raw output
 *   meanSquaredError                   loss = mean (ŷ − y)² over a sample's outputs;  dŷ = 2(ŷ − y)/D·m·scale
 *   correct                            Σ m·[argmax ŷ = argmax y]  (first index on ties, as TF.js); ŷ the
 *                                      `predictions` when given (the softmax of logits), else the output
 *
 * Labels per sample (`takes`): one-hot rows of the output's shape; one class index ([] or [1]); for
 * the squared error, the output's shape or one that broadcasts to it along the same axes (e.g. [1]
 * for [3]). Other labels would broadcast in the graph where TF.js refuses them (class indices given
 * to a categorical loss), or fail inside ONNX Runtime: such a batch takes TF.js's path, which
 * computes or refuses it as the cpu backend does.
 *
 * A loss given as a function is not expressed here: the model takes the per-kernel path.
 */
import type { GraphBuilder } from '../onnx/builder.ts';

/** Clip of probabilities (Keras's ε), as losses.ts. */
const EPSILON = 1e-7;
/** Log-probabilities below this give a softmax of 0 in the gradient (e^−46 ≈ 1e-20; see crossEntropy). */
const SOFTMAX_FLOOR = -46;

/** What a loss emits: the names of its masked sum, correct count and (training) output gradient. */
export interface LossValues {
  /** Σ m·loss, a scalar. */
  readonly lossSum: string;
  /** Σ m·correct, a scalar (NaN for a loss without accuracy). */
  readonly correct: string;
  /** d(scale·Σ m·loss)/d(output); undefined in an evaluation graph. */
  readonly dOut?: string;
}

/** What the loss reads: the model's output (logits when `logits`), the labels, mask and scale inputs. */
export interface LossInputs {
  readonly out: string;
  readonly labels: string;
  readonly mask: string;
  readonly scale: string;
  /** Samples per run. */
  readonly n: number;
  /** Outputs per sample (classes for a classification loss). */
  readonly width: number;
  /** Whether `out` are logits (the model's final softmax skipped). */
  readonly logits: boolean;
  /** Whether to emit the gradient. */
  readonly training: boolean;
  /**
   * The tensor whose argmax is the predicted class, when not `out`: the softmax of logits (an
   * evaluation's probs), so that `correct` counts exactly the model's predictions, as the cpu
   * backend does (logits 0 and 1e-10 give the probabilities 0.5 and 0.5 in float32: argmax 1 on
   * the logits, 0 on the probabilities).
   */
  readonly predictions?: string;
}

/** Emits a loss into a graph from its inputs (see the file's comment). */
export type LossEmitter = (b: GraphBuilder, v: LossInputs) => LossValues;

/** Σ over the batch of m·perSample ([n]). */
const maskedSum = (b: GraphBuilder, perSample: string, mask: string): string => b.op('ReduceSum', [b.op('Mul', [perSample, mask])], { keepdims: 0 });

/** m·scale as [n, 1], to scale each sample's gradient row. */
const rowScale = (b: GraphBuilder, v: LossInputs): string => b.op('Unsqueeze', [b.op('Mul', [v.mask, v.scale]), b.ints([1])]);

/** Σ m·[argmax a = argmax b] over the batch. */
function argmaxEqual(b: GraphBuilder, a: string, labelIndex: string, mask: string): string {
  const predicted = b.op('ArgMax', [a], { axis: -1, keepdims: 0 });
  return maskedSum(b, b.op('Cast', [b.op('Equal', [predicted, labelIndex])], { to: 1 }), mask);
}

/** One-hot rows of class indices stored as floats ([n] or [n, 1]); an index outside [0, width) gives zeros. */
function oneHot(b: GraphBuilder, labels: string, width: number): string {
  const index = b.op('Cast', [b.reshape(labels, [-1, 1])], { to: 7 });
  const classes = b.ints([...Array(width).keys()]);
  return b.op('Cast', [b.op('Equal', [index, classes])], { to: 1 });
}

/** Cross-entropy against one-hot (or any) rows `y`; `labelIndex` the true class per sample (int64). */
function crossEntropy(b: GraphBuilder, v: LossInputs, y: string, labelIndex: string): LossValues {
  const correct = argmaxEqual(b, v.predictions ?? v.out, labelIndex, v.mask);
  if (v.logits) {
    const ls = b.op('LogSoftmax', [v.out], { axis: -1 });
    const perSample = b.op('Neg', [b.op('ReduceSum', [b.op('Mul', [y, ls]), b.ints([-1])], { keepdims: 0 })]);
    const lossSum = maskedSum(b, perSample, v.mask);
    if (!v.training) return { lossSum, correct };
    // softmax = e^ls, taken as 0 below e^−46 (1e-20): a confident or saturated softmax gives
    // probabilities down to 1e-44, denormal floats that the whole backward pass of that sample
    // then carries at a fraction of the speed, for a gradient twenty orders of magnitude below
    // the batch's. Measured on the reference model (2 threads, data-parallel): steps 600–900
    // took 233–246 ms of CPU with the floor against 337–379 ms without, the first 150 alike.
    const softmax = b.op('Where', [b.op('Less', [ls, b.scalar(SOFTMAX_FLOOR)]), b.scalar(0), b.op('Exp', [ls])]);
    return { lossSum, correct, dOut: b.op('Mul', [b.op('Sub', [softmax, y]), rowScale(b, v)]) };
  }
  const clipped = b.op('Clip', [v.out, b.scalar(EPSILON), b.scalar(1 - EPSILON)]);
  const perSample = b.op('Neg', [b.op('ReduceSum', [b.op('Mul', [y, b.op('Log', [clipped])]), b.ints([-1])], { keepdims: 0 })]);
  const lossSum = maskedSum(b, perSample, v.mask);
  if (!v.training) return { lossSum, correct };
  const inside = b.op('Cast', [b.op('And', [b.op('GreaterOrEqual', [v.out, b.scalar(EPSILON)]), b.op('LessOrEqual', [v.out, b.scalar(1 - EPSILON)])])], {
    to: 1,
  });
  const dOut = b.op('Mul', [b.op('Mul', [b.op('Neg', [b.op('Div', [y, clipped])]), inside]), rowScale(b, v)]);
  return { lossSum, correct, dOut };
}

/** A loss in the graph, and which labels (per-sample shape) it reads as TF.js does, for outputs of `outShape` per sample. */
export interface FusedLoss {
  readonly emit: LossEmitter;
  takes(labelShape: readonly number[], outShape: readonly number[]): boolean;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const oneHotRows = (labelShape: readonly number[], outShape: readonly number[]): boolean => sameShape(labelShape, outShape);
const classIndex = (labelShape: readonly number[]): boolean => labelShape.length === 0 || sameShape(labelShape, [1]);

/** The losses the fused graph expresses, by their name in losses.ts. */
export const FUSED_LOSSES: Readonly<Record<string, FusedLoss>> = {
  categoricalCrossentropy: {
    emit: (b, v) => crossEntropy(b, v, v.labels, b.op('ArgMax', [v.labels], { axis: -1, keepdims: 0 })),
    takes: oneHotRows,
  },
  softmaxCrossEntropyFromLogits: {
    emit: (b, v) => crossEntropy(b, { ...v, logits: true }, v.labels, b.op('ArgMax', [v.labels], { axis: -1, keepdims: 0 })),
    takes: oneHotRows,
  },
  sparseCategoricalCrossentropy: {
    emit: (b, v) => crossEntropy(b, v, oneHot(b, v.labels, v.width), b.op('Cast', [b.reshape(v.labels, [-1])], { to: 7 })),
    takes: classIndex,
  },
  meanSquaredError: {
    emit: (b, v) => {
      const diff = b.reshape(b.op('Sub', [v.out, v.labels]), [v.n, v.width]);
      const perSample = b.op('ReduceMean', [b.op('Mul', [diff, diff])], { axes: [-1], keepdims: 0 });
      const lossSum = maskedSum(b, perSample, v.mask);
      const correct = b.op('Identity', [b.scalar(NaN)]);
      if (!v.training) return { lossSum, correct };
      return { lossSum, correct, dOut: b.op('Mul', [b.op('Mul', [diff, b.scalar(2 / v.width)]), rowScale(b, v)]) };
    },
    takes: (labelShape, outShape) => labelShape.length === outShape.length && labelShape.every((d, i) => d === outShape[i] || d === 1),
  },
};
