/**
 * The reference model of SPEC.md (channels-last, about 0.5 M weights):
 *
 *   28×28×1 ─ Conv2D 32 3×3 relu ─ Conv2D 64 3×3 relu ─ MaxPool 2×2 ─ Conv2D 128 3×3 relu ─ MaxPool 2×2
 *           ─ Flatten ─ Dense 128 relu ─ Dense 10 ─ softmax
 *
 * The softmax is its own layer so training can take the cross-entropy from the logits (`logitsOf`),
 * as Keras does for a softmax output: with N(0, 0.25²) weights the softmax starts saturated, and
 * the cross-entropy of clipped probabilities would have no gradient there.
 *
 * Every kernel starts from N(0, 0.25²) (seeded), biases at zero; the penalty goes on every kernel
 * (and on biases with `penalizeBias`), the constraint likewise.
 */
import { tf, type PenaltyRegularizer, type PenxConstraint } from '../src/index.ts';

export interface ModelOptions {
  readonly penalty?: PenaltyRegularizer;
  readonly constraint?: PenxConstraint;
  readonly penalizeBias?: boolean;
  readonly seed?: number;
}

export function buildReferenceModel(options: ModelOptions = {}): tf.LayersModel {
  const seed = options.seed ?? 42;
  // `none` adds nothing to the loss: leave it off rather than compute zeros every step.
  const reg = options.penalty && options.penalty.definition.name !== 'none' ? options.penalty : undefined;
  let layerIndex = 0;
  const weights = () => ({
    kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.25, seed: seed + layerIndex++ }),
    biasInitializer: 'zeros' as const,
    ...(reg ? { kernelRegularizer: reg } : {}),
    ...(reg && options.penalizeBias ? { biasRegularizer: reg } : {}),
    ...(options.constraint ? { kernelConstraint: options.constraint } : {}),
  });
  return tf.sequential({
    name: 'reference_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv2d_1', inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.conv2d({ name: 'conv2d_2', filters: 64, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.maxPooling2d({ name: 'max_pooling2d_1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2d_3', filters: 128, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.maxPooling2d({ name: 'max_pooling2d_2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense_1', units: 128, activation: 'relu', ...weights() }),
      tf.layers.dense({ name: 'dense_2', units: 10, ...weights() }),
      tf.layers.activation({ name: 'softmax', activation: 'softmax' }),
    ],
  });
}

/** The same network up to the logits (shares the weights): what training and evaluation use. */
export function logitsOf(model: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer('dense_2').output as tf.SymbolicTensor, name: `${model.name}_logits` });
}
