/**
 * One rule of what a kernel is (src/formats/weight-kind.ts), used by the record's `kind`, the prune
 * curve, attachToKernels and the channel norms: TF.js's own layers' weights, the reference CNN's and
 * every fixture model's are classed as before; a custom layer's `my_kernel` is `other` everywhere.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replacedControls } from '../../mnist-demo/experiment/model-source.ts';
import { referenceModel } from '../../mnist-demo/model.ts';
import {
  attachToKernels,
  kernelOf,
  normedWeightIndex,
  penalty,
  perChannelWords,
  prunableWeights,
  recordedNormedWeight,
  tf,
  weightInfos,
  weightKind,
} from '../../src/index.ts';

/** The rule before this one (what records were written by), for names TF.js's layers give. */
const oldKind = (name: string) => {
  const last = name.split('/').at(-1) ?? name;
  return /(kernel|embeddings)(_\d+)?$/.test(last) ? 'kernel' : /bias(_\d+)?$/.test(last) ? 'bias' : 'other';
};

/** Every built-in TF.js layer type with a kernel, built on an input of `shape`. */
const builtIns: Array<[tf.layers.Layer, number[]]> = [
  [tf.layers.dense({ units: 2 }), [3]],
  [tf.layers.conv1d({ filters: 2, kernelSize: 2 }), [4, 3]],
  [tf.layers.conv2d({ filters: 2, kernelSize: 2 }), [4, 4, 3]],
  [tf.layers.conv3d({ filters: 2, kernelSize: 2 }), [4, 4, 4, 3]],
  [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2 }), [4, 4, 3]],
  [tf.layers.depthwiseConv2d({ kernelSize: 2 }), [4, 4, 3]],
  [tf.layers.separableConv2d({ filters: 2, kernelSize: 2 }), [4, 4, 3]],
  [tf.layers.lstm({ units: 2 }), [4, 3]],
  [tf.layers.gru({ units: 2 }), [4, 3]],
  [tf.layers.simpleRNN({ units: 2 }), [4, 3]],
  [tf.layers.embedding({ inputDim: 5, outputDim: 2 }), [4]],
  [tf.layers.batchNormalization({}), [3]],
  [tf.layers.prelu({}), [3]],
];

/** A registered custom layer whose weight `my_kernel` keeps its own penalty where it is found (this.myKernelRegularizer), which its config does not carry. */
class OwnKernel extends tf.layers.Layer {
  static className = 'WeightKindTestOwnKernel';
  private w?: tf.LayerVariable;
  readonly myKernelRegularizer = tf.regularizers.l2({ l2: 0.01 });
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const last = (inputShape as tf.Shape).at(-1) as number;
    this.w = this.addWeight('my_kernel', [last, 3], 'float32', tf.initializers.ones(), this.myKernelRegularizer);
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null, 3];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.matMul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.w!.read());
  }
}
tf.serialization.registerClass(OwnKernel);

describe('which weights are kernels', () => {
  it('classes every built-in layer weight as the old rule did, kernels exactly as named', () => {
    const kinds: Record<string, string> = {};
    for (const [layer, shape] of builtIns) {
      layer.apply(tf.input({ shape }));
      for (const w of layer.weights) {
        expect(weightKind(w.originalName), w.originalName).toBe(oldKind(w.originalName));
        kinds[w.originalName.split('/').at(-1)!] = weightKind(w.originalName);
      }
    }
    expect(
      Object.keys(kinds)
        .filter((k) => kinds[k] === 'kernel')
        .sort(),
    ).toEqual(['depthwise_kernel', 'embeddings', 'kernel', 'pointwise_kernel', 'recurrent_kernel']);
    expect(Object.keys(kinds).filter((k) => kinds[k] === 'bias')).toEqual(['bias']);
    for (const [layer] of builtIns) layer.dispose();
  });

  it('classes the reference CNN and every fixture model as the old rule did', async () => {
    const dir = join(import.meta.dirname, '../fixtures/models');
    const builders = [referenceModel];
    // int-levels' custom my_kernel is the one weight the rule classes otherwise on purpose (other, not kernel: the next test).
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'int-levels.ts')) {
      const mod = (await import(join(dir, file))) as { default?: unknown };
      if (typeof mod.default === 'function') builders.push(mod.default as typeof referenceModel);
    }
    expect(builders.length).toBeGreaterThan(15);
    for (const build of builders) {
      const model = await build([28, 28, 1], 10, { seed: 1 });
      for (const w of weightInfos(model)) expect(w.kind, `${model.name}: ${w.name}`).toBe(oldKind(w.name));
      model.dispose();
    }
  });

  it("treats a custom layer's my_kernel as other in the record, the prune curve, the norms and attachToKernels", async () => {
    const model = tf.sequential({ layers: [new OwnKernel({ name: 'mix', inputShape: [4] }), tf.layers.dense({ name: 'head', units: 2 })] });
    const before = weightInfos(model);
    expect(before.map((w) => [w.name, w.kind])).toEqual([
      ['mix/my_kernel', 'other'],
      ['head/kernel', 'kernel'],
      ['head/bias', 'bias'],
    ]);
    expect(prunableWeights(model).map((v) => v.originalName)).toEqual(['head/kernel']);
    expect(kernelOf(model.getLayer('mix'))).toBeUndefined();
    expect(normedWeightIndex(['mix/my_kernel'])).toBe(-1);
    expect(perChannelWords({ name: 'mix/my_kernel', shape: [4, 3] })).toBe('per index of its last axis');
    const attached = await attachToKernels(model, { penalty: penalty('l1:0.001') });
    const after = weightInfos(attached);
    expect(after.map((w) => w.penalty?.spec ?? 'none')).toEqual([before[0]!.penalty!.spec, 'l1:0.001', 'none']);
    expect(replacedControls(before, after, false)).toEqual([
      `mix/my_kernel: penalty ${before[0]!.penalty!.spec} kept (layer mix puts it on a weight the run's penalty does not go on: only kernels and, with --penalize-bias, biases take it)`,
    ]);
    attached.dispose();
    model.dispose();
  });

  it("records each weight's maker, and words perchannel=1 on an LSTM's or GRU's kernels per gate of a unit, a SimpleRNN's per unit", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ name: 'lstm', units: 2, returnSequences: true, inputShape: [3, 4] }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ name: 'gru', units: 2, returnSequences: true }) as tf.RNN, name: 'bi' }),
        tf.layers.simpleRNN({ name: 'rnn', units: 2 }),
        tf.layers.dense({ name: 'head', units: 1 }),
      ],
    });
    const infos = weightInfos(model);
    const words = Object.fromEntries(infos.map((w) => [w.name, `${w.madeBy}: ${perChannelWords(w)}`]));
    expect(words).toMatchObject({
      'lstm/kernel': 'LSTMCell: per gate of a unit (i, f, c, o)',
      'lstm/recurrent_kernel': 'LSTMCell: per gate of a unit (i, f, c, o)',
      'lstm/bias': 'LSTMCell: per value',
      'rnn/kernel': 'SimpleRNNCell: per unit',
      'head/kernel': 'Dense: per unit',
    });
    expect(infos.filter((w) => w.madeBy === 'GRUCell').map((w) => perChannelWords(w))).toEqual([
      ...Array(2).fill('per gate of a unit (z, r, h)'),
      'per value',
      ...Array(2).fill('per gate of a unit (z, r, h)'),
      'per value',
    ]);
    // A record written before it: as before.
    expect(perChannelWords({ name: 'lstm/kernel', shape: [4, 8] })).toBe('per unit');
    model.dispose();
  });

  it('reads an older record by what it says: its my_kernel, classed a kernel, is the normed weight its writer took', () => {
    const w = (name: string, kind: 'kernel' | 'other', normedAxes?: number[]) => ({ name, layer: 'mix', kind, ...(normedAxes ? { normedAxes } : {}) });
    // Written before the record stated normedAxes: its writer took the first weight whose name ends in kernel.
    expect(recordedNormedWeight([w('mix/my_kernel', 'kernel')], 'mix')?.name).toBe('mix/my_kernel');
    expect(perChannelWords({ name: 'mix/my_kernel', shape: [4, 3], kind: 'kernel' })).toBe('per unit');
    // A record stating normedAxes (on another layer's weight) says this layer's weight was not normed.
    expect(recordedNormedWeight([w('mix/my_kernel', 'other'), { ...w('d/kernel', 'kernel', [0]), layer: 'd' }], 'mix')).toBeUndefined();
  });
});
