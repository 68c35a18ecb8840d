/**
 * attachToKernels' `countNames`: the layers TF.js named itself (`dense_Dense7`, a count of the layers
 * made in the process) renamed by their count in the model, so a model built again from the same code
 * (a comparison's next run, a seeded repeat) names its weights alike; given names kept, a functional
 * model's references to its layers followed, the weights and predictions unchanged.
 */
import { describe, expect, it } from 'vitest';
import { attachToKernels, penalty, tf } from '../../src/index.ts';

const g = (seed: number) => tf.initializers.glorotUniform({ seed });
const names = (m: tf.LayersModel) => m.weights.map((w) => w.originalName);
const x = tf.randomUniform([4, 6], -1, 1, 'float32', 3);
const predict = (m: tf.LayersModel) => Array.from((m.predict(x) as tf.Tensor).dataSync());

/** Unnamed Dense layers around a named one. */
const sequential = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 5, inputShape: [6], activation: 'relu', kernelInitializer: g(1) }),
      tf.layers.dense({ name: 'mine', units: 4, activation: 'relu', kernelInitializer: g(2) }),
      tf.layers.dense({ units: 3, kernelInitializer: g(3) }),
    ],
  });

/** Two unnamed branches joined: the layers' names are referenced by the nodes that follow them. */
const functional = () => {
  const input = tf.input({ shape: [6] });
  const a = tf.layers.dense({ units: 4, kernelInitializer: g(4) }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4, kernelInitializer: g(5) }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, kernelInitializer: g(6) }).apply(joined) as tf.SymbolicTensor });
};

describe('attachToKernels with countNames', () => {
  const controls = { penalty: penalty('l1:1e-3'), countNames: true };

  it('names the weights of a model built twice alike, by their count in the model; a given name is kept', async () => {
    const [first, second] = [sequential(), sequential()];
    expect(names(first)).not.toEqual(names(second));
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(names(a)).toEqual(['dense_Dense1/kernel', 'dense_Dense1/bias', 'mine/kernel', 'mine/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias']);
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    // Without it, the names as built.
    expect(names(await attachToKernels(first, { penalty: penalty('l1:1e-3') }))).toEqual(names(first));
  });

  it('follows a functional model’s references to the layers it renames', async () => {
    const [first, second] = [functional(), functional()];
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(names(a)).toEqual([
      'dense_Dense1/kernel',
      'dense_Dense1/bias',
      'dense_Dense2/kernel',
      'dense_Dense2/bias',
      'dense_Dense3/kernel',
      'dense_Dense3/bias',
    ]);
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    expect(a.layers.map((l) => l.name)).toEqual(b.layers.map((l) => l.name));
  });
});
