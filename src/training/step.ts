/**
 * The project's training step, the only one (TF.js's `fit` ignores `kernelConstraint`,
 * tensorflow/tfjs#3345):
 *
 *   batch ─► gradients of data loss + Σ penalties (a strategy: this thread, or shards on workers;
 *            random ops seeded from `seed`) ─► optimiser update (gradient transforms, per-layer
 *            rates: see src/optim/) ─► constraints
 *
 * Penalties are the weights' regularizers wherever TF.js keeps them (model/inventory.ts);
 * constraints are the weights' constraints, applied after every update, as Keras does.
 */
import { checkReadBack, useTrainingKernels } from '../kernels/index.ts';
import { tf } from '../tf.ts';
import type { BatchGradients } from './batch-math.ts';
import { applyConstraints } from './constraints.ts';
import { batchOf, type Tensors } from './fit-data.ts';
import { type GradientStrategy, localGradients } from './gradients.ts';
import { checkModelArgument } from './model-argument.ts';
import { type LossOption, type Objective, objectiveOf } from './objective.ts';

/** `trainStep`'s options: the loss (or a ready objective), the gradient strategy, the seed and what to measure. */
export interface TrainStepOptions {
  /** The data loss; default categorical cross-entropy (from the logits when the model ends in a softmax); one per output, or by output name, for a model of several. */
  readonly loss?: LossOption;
  /** The loss and metrics as `objectiveOf` made them (instead of `loss`). */
  readonly objective?: Objective;
  /** How gradients are computed; default on this thread. */
  readonly gradients?: GradientStrategy;
  /** Also measure, per constrained weight, the share of output channels its constraint changed. */
  readonly measureConstraints?: boolean;
  /** Seed of the step's random ops (dropout masks, noise); default: TF.js's own, unseeded. */
  readonly seed?: number;
  /** Weight-name patterns the optimiser freezes (`LayerControls.freeze`): their constraints are not applied either. */
  readonly frozen?: readonly string[];
}

/** What one `trainStep` measured on its batch: data and penalty loss, accuracy and constraints' projected shares. */
export interface StepResult {
  /** The mean data loss of the batch (summed over the outputs), before the update. */
  readonly dataLoss: number;
  /** Σ λ·penalty over every penalised weight, before the update. */
  readonly penaltyLoss: number;
  /** The batch's accuracy before the update (NaN for a loss without accuracy, or several outputs). */
  readonly accuracy: number;
  /** Per constrained weight (e.g. `conv2d_1/kernel`; keyed as `weightKeys` says): share of output channels projected (with `measureConstraints`). */
  readonly projected: Record<string, number>;
  /** The batch's sums (see `scoreTensors`), for averaging over an epoch. */
  readonly sums: Pick<BatchGradients, 'scores' | 'n'>;
}

/** The accuracy in sums: the `acc` metric of a model of one output, per sample; NaN otherwise. */
export function accuracyOf(objective: Objective, scores: readonly number[], n: number): number {
  const i = objective.metrics.findIndex((m) => m.name === 'acc');
  return i < 0 ? NaN : (scores[1 + objective.losses.length + i] ?? NaN) / n;
}

/**
 * One training step on one batch (x: inputs, y: labels; arrays or maps by name for a model of
 * several inputs or outputs): gradients of the mean data loss plus the penalties, the optimiser's
 * update, then the constraints. On the wasm backend it registers the training kernels stock wasm
 * lacks first (`useTrainingKernels`); on a backend whose synchronous read-back is wrong it throws
 * ReadBackError before anything changes (`checkReadBack`).
 *
 * @example
 * const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
 * const { dataLoss, penaltyLoss } = await trainStep(model, opt, xs, ys);
 */
export async function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: Tensors, y: Tensors, options: TrainStepOptions = {}): Promise<StepResult> {
  checkModelArgument(model, 'trainStep');
  useTrainingKernels();
  checkReadBack();
  const strategy = options.gradients ?? localGradients;
  const objective = options.objective ?? objectiveOf(model, options.loss);
  const g = await strategy.gradients(model, batchOf(model, { x, y }), objective, options.seed);
  optimizer.applyGradients(g.grads);
  const projected = applyConstraints(model, options.measureConstraints === true, options.frozen);
  tf.dispose(Object.values(g.grads));
  return {
    dataLoss: (g.scores[0] ?? NaN) / g.n,
    penaltyLoss: g.penalty,
    accuracy: accuracyOf(objective, g.scores, g.n),
    projected,
    sums: { scores: g.scores, n: g.n },
  };
}
