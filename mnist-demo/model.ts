/**
 * The reference model of the original penalty study (channels-last, about 0.5 M weights on MNIST):
 *
 *   input ─ Conv2D 32 3×3 relu ─ Conv2D 64 3×3 relu ─ MaxPool 2×2 ─ Conv2D 128 3×3 relu ─ MaxPool 2×2
 *         ─ Flatten ─ Dense 128 relu ─ Dense (classes) ─ softmax
 *
 * Every kernel starts from N(0, 0.25²) (seeded), biases at zero. The softmax is its own layer;
 * training takes the cross-entropy from the logits before it (see the library's `forward`).
 * Its signature is the one `penx --model MODULE` expects of a module's default export.
 */
import { tf } from 'penalty-explorer';

/** What a model module's default export is: a function of the data's per-image shape and class count. */
export type ModelBuilder = (inputShape: number[], numClasses: number, options: { seed: number }) => tf.LayersModel | Promise<tf.LayersModel>;

/**
 * The reference CNN (see the file's comment) for images of `inputShape` and `numClasses` classes,
 * its kernels drawn from `seed` (seed, seed + 1, … layer by layer).
 *
 * @example
 * const model = referenceModel([28, 28, 1], 10, { seed: 42 });
 */
export function referenceModel(inputShape: number[], numClasses: number, { seed }: { seed: number }): tf.LayersModel {
  let layerIndex = 0;
  const weights = () => ({
    kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.25, seed: seed + layerIndex++ }),
    biasInitializer: 'zeros' as const,
  });
  return tf.sequential({
    name: 'reference_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv2d_1', inputShape, filters: 32, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.conv2d({ name: 'conv2d_2', filters: 64, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.maxPooling2d({ name: 'max_pooling2d_1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2d_3', filters: 128, kernelSize: 3, activation: 'relu', ...weights() }),
      tf.layers.maxPooling2d({ name: 'max_pooling2d_2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense_1', units: 128, activation: 'relu', ...weights() }),
      tf.layers.dense({ name: 'dense_2', units: numClasses, ...weights() }),
      tf.layers.activation({ name: 'softmax', activation: 'softmax' }),
    ],
  });
}
referenceModel satisfies ModelBuilder;

/** MNIST's shape and classes: the reference model as trained by `npm start`. */
export const MNIST_SHAPE = [28, 28, 1];
/** MNIST's classes: the digits 0–9. */
export const MNIST_CLASSES = 10;

/**
 * A small MLP for the playground (about 0.1 M weights): Flatten ─ Dense 128 relu ─ Dense (classes)
 * ─ softmax; kernels from N(0, 0.05²) (seeded), biases at zero.
 *
 * @example
 * const model = smallMlp([28, 28, 1], 10, { seed: 42 });
 */
export function smallMlp(inputShape: number[], numClasses: number, { seed }: { seed: number }): tf.LayersModel {
  const kernel = (i: number) => ({
    kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed: seed + i }),
    biasInitializer: 'zeros' as const,
  });
  return tf.sequential({
    name: 'small_mlp',
    layers: [
      tf.layers.flatten({ name: 'flatten', inputShape }),
      tf.layers.dense({ name: 'dense_1', units: 128, activation: 'relu', ...kernel(0) }),
      tf.layers.dense({ name: 'dense_2', units: numClasses, ...kernel(1) }),
      tf.layers.activation({ name: 'softmax', activation: 'softmax' }),
    ],
  });
}
smallMlp satisfies ModelBuilder;
