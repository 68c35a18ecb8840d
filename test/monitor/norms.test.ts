import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { constraint } from '../../src/constraints/index.ts';
import { batchNorms, normsOfValues } from '../../src/monitor/norms.ts';
import { weightStatistics } from '../../src/monitor/snapshot.ts';
import { applyConstraints } from '../../src/training/constraints.ts';

/** ‖w[…, c, …]‖₂ per output channel by hand: move the channel axes last, flatten them, norm each column. */
function byHand(kernel: tf.Tensor, axis: 'last' | 'last2' | 'second-last'): number[] {
  return tf.tidy(() => {
    const s = kernel.shape;
    const k =
      axis === 'second-last'
        ? tf.transpose(
            kernel,
            [...s.keys()].map((i) => (i === s.length - 2 ? s.length - 1 : i === s.length - 1 ? s.length - 2 : i)),
          )
        : kernel;
    const channels = axis === 'last2' ? (s.at(-1) as number) * (s.at(-2) as number) : axis === 'last' ? (s.at(-1) as number) : (s.at(-2) as number);
    return Array.from(tf.norm(tf.reshape(k, [-1, channels]), 'euclidean', 0).dataSync());
  });
}

describe('per-channel kernel norms: the layer’s output channels, whatever axis holds them', () => {
  const cases: Array<[string, () => tf.layers.Layer, number[], string, 'last' | 'last2' | 'second-last', number]> = [
    ['Dense', () => tf.layers.dense({ units: 5 }), [4], 'kernel', 'last', 5],
    ['Dense of one unit', () => tf.layers.dense({ units: 1 }), [4], 'kernel', 'last', 1],
    ['Conv1D', () => tf.layers.conv1d({ filters: 3, kernelSize: 2 }), [6, 2], 'kernel', 'last', 3],
    ['Conv2D', () => tf.layers.conv2d({ filters: 3, kernelSize: 2 }), [5, 5, 2], 'kernel', 'last', 3],
    ['DepthwiseConv2D', () => tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 }), [5, 5, 4], 'depthwise_kernel', 'last2', 8],
    ['SeparableConv2D', () => tf.layers.separableConv2d({ filters: 6, kernelSize: 2, depthMultiplier: 2 }), [5, 5, 3], 'pointwise_kernel', 'last', 6],
    ['Conv2DTranspose', () => tf.layers.conv2dTranspose({ filters: 6, kernelSize: 2 }), [5, 5, 3], 'kernel', 'second-last', 6],
  ];
  for (const [kind, make, inputShape, kernelName, axis, channels] of cases) {
    it(`${kind}: ${channels} channels of its ${kernelName}, in the record and per batch`, () => {
      const input = tf.input({ shape: inputShape });
      const layer = make();
      const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
      const kernel = layer.weights.find((w) => w.originalName.endsWith(`/${kernelName}`))!;
      // Distinct values, so a norm over the wrong slices cannot match.
      const shape = kernel.shape as number[];
      kernel.write(tf.tidy(() => tf.reshape(tf.range(1, shape.reduce((a, b) => a * b, 1) + 1).sqrt(), shape)));
      const expected = byHand(kernel.read(), axis);
      const [norms] = weightStatistics(model).norms;
      expect(norms!.norms).toHaveLength(channels);
      norms!.norms.forEach((n, c) => expect(n).toBeCloseTo(expected[c]!, 3));
      const [batch] = batchNorms(model, 1).layers;
      expect(batch!.max).toBeCloseTo(Math.max(...expected), 3);
      expect(batch!.mean).toBeCloseTo(expected.reduce((s, n) => s + n, 0) / channels, 3);
    });
  }

  it('normsOfValues: channels along the last axis, or runs of `inner` values', () => {
    expect(normsOfValues([3, 0, 4, 0], 2)).toEqual([5, 0]);
    expect(normsOfValues([3, 4, 0, 0], 2, 2)).toEqual([5, 0]);
  });

  it("Embedding: a norm per row (one per token: ‖E[i, :]‖₂, as a Dense's per column ‖W[:, j]‖₂), in the record, per batch and in a constraint's projected share", () => {
    const input = tf.input({ shape: [2] });
    const emb = tf.layers.embedding({ inputDim: 3, outputDim: 2, embeddingsConstraint: constraint('maxnorm:m=1,axis=1') });
    const model = tf.model({ inputs: input, outputs: emb.apply(input) as tf.SymbolicTensor });
    // Rows (tokens) [3, 4], [0, 0], [1, 2]: norms 5, 0, √5 (per column they would be √10, √20).
    // Assigned, not written: LayerVariable.write would apply the constraint.
    (emb.weights[0]!.read() as tf.Variable).assign(tf.tensor2d([3, 4, 0, 0, 1, 2], [3, 2]));
    const [norms] = weightStatistics(model).norms;
    expect(norms!.layer).toBe(emb.name);
    expect(norms!.norms).toEqual([5, 0, Math.sqrt(5)]);
    expect(norms!.max).toBe(5);
    const [batch] = batchNorms(model, 1).layers;
    expect(batch!.max).toBeCloseTo(5, 6);
    expect(batch!.mean).toBeCloseTo((5 + Math.sqrt(5)) / 3, 6);
    // maxnorm:m=1,axis=1 bounds the rows: two of the three moved.
    expect(applyConstraints(model, true)[emb.weights[0]!.originalName]).toBeCloseTo(2 / 3, 6);
  });
});
