/**
 * The project's training step, the only one (TF.js's `fit` ignores `kernelConstraint`,
 * tensorflow/tfjs#3345):
 *
 *   batch ─► gradients of data loss + Σ penalties (a strategy: this thread, or shards on workers)
 *         ─► optimiser update (gradient transforms, per-layer rates: see src/optim/) ─► constraints
 *
 * Penalties are the layers' regularizers (`kernelRegularizer`, `biasRegularizer`); constraints
 * are the layers' constraints, applied to each weight after every update, as Keras does.
 */
import { tf, type Tensor } from '../tf.ts';
import { applyConstraints } from './constraints.ts';
import { localGradients, type GradientStrategy } from './gradients.ts';
import { lossOf, type LossSpec } from './losses.ts';

export interface TrainStepOptions {
  /** The data loss; default categorical cross-entropy (from the logits when the model ends in a softmax). */
  readonly loss?: LossSpec;
  /** How gradients are computed; default on this thread. */
  readonly gradients?: GradientStrategy;
  /** Also measure, per constrained weight, the share of output channels its constraint changed. */
  readonly measureConstraints?: boolean;
}

export interface StepResult {
  /** The mean data loss of the batch, before the update. */
  readonly dataLoss: number;
  /** Σ λ·penalty over every regularised weight, before the update. */
  readonly penaltyLoss: number;
  /** The batch's accuracy before the update (NaN for a loss without accuracy). */
  readonly accuracy: number;
  /** Per constrained weight (e.g. `conv2d_1/kernel`): share of output channels projected (with `measureConstraints`). */
  readonly projected: Record<string, number>;
}

/**
 * One training step on one batch (x: inputs, y: labels): gradients of the mean data loss plus the
 * penalties, the optimiser's update, then the constraints.
 *
 * @example
 * const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
 * const { dataLoss, penaltyLoss } = await trainStep(model, opt, xs, ys);
 */
export async function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: Tensor, y: Tensor, options: TrainStepOptions = {}): Promise<StepResult> {
  const strategy = options.gradients ?? localGradients;
  const g = await strategy.gradients(model, x, y, lossOf(options.loss));
  optimizer.applyGradients(g.grads);
  const projected = applyConstraints(model, options.measureConstraints === true);
  tf.dispose(Object.values(g.grads));
  return { dataLoss: g.lossSum / g.n, penaltyLoss: g.penalty, accuracy: g.correct / g.n, projected };
}
