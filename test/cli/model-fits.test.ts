/**
 * What `penx train --model` takes (checkModelFits, in-process: it runs on TF.js's cpu backend before
 * the training backend starts): one input of the images' shape and one output of a probability per
 * class. A model of two inputs or two outputs, or one ending in logits, is refused, saying why. And
 * what it says of the model's own penalties (runModel's note, in-process too).
 */
import { describe, expect, it } from 'vitest';
import { checkModelFits, runModel } from '../../mnist-demo/experiment/model-source.ts';
import { penalty, tf } from '../../src/node.ts';
import gainEmbedding from '../fixtures/models/gain-embedding.ts';

const DATA = { shape: [8, 8, 1], classes: 3 } as const;
const sym = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
const flat = (x: tf.SymbolicTensor) => sym(tf.layers.flatten(), x);
const head = (name: string, activation?: 'softmax') => tf.layers.dense({ name, units: 3, ...(activation ? { activation } : {}) });

/** Whether checkModelFits refuses `model`, and with which message ('' when it takes it). */
function judged(model: tf.LayersModel): string {
  try {
    checkModelFits(model, DATA, 'model module ./m.ts');
    return '';
  } catch (err) {
    return (err as Error).message;
  } finally {
    model.dispose();
  }
}

describe('checkModelFits: one input, one output of probabilities', () => {
  it('refuses a model of two inputs or two outputs, naming them and what penx trains', () => {
    const img = tf.input({ shape: [8, 8, 1], name: 'img' });
    const extra = tf.input({ shape: [3], name: 'extra' });
    const joined = sym(tf.layers.concatenate(), [flat(img), extra]);
    expect(judged(tf.model({ inputs: [img, extra], outputs: sym(head('out_one', 'softmax'), joined) }))).toBe(
      "model module ./m.ts has 2 inputs (img, extra); penx trains a model of one input, the images [8,8,1], and one output, their 3 classes (a model of several inputs or outputs trains with the library's fit, given each its data)",
    );
    const x = tf.input({ shape: [8, 8, 1] });
    const h = flat(x);
    expect(judged(tf.model({ inputs: x, outputs: [sym(head('out_a', 'softmax'), h), sym(head('out_b', 'softmax'), h)] }))).toMatch(
      /^model module \.\/m\.ts has 2 outputs \(out_a, out_b\); penx trains a model of one input, the images \[8,8,1\], and one output, their 3 classes/,
    );
  });

  it('refuses a model ending in logits (no activation), inside a nested model too; takes a softmax however it is given', () => {
    const logits = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), head('logits')] });
    expect(judged(logits)).toBe(
      "model module ./m.ts ends in layer logits with no activation: its outputs are logits, not probabilities, and penx trains on the categorical cross-entropy of the model's probabilities (it would clip them and train nothing); end it in a softmax, e.g. activation: 'softmax' on logits",
    );
    const x = tf.input({ shape: [8, 8, 1] });
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ inputShape: [64], units: 3, name: 'inner_out' })] });
    expect(judged(tf.model({ inputs: x, outputs: sym(inner, flat(x)) }))).toMatch(/ends in layer inner_out with no activation/);
    // Taken: a softmax activation, an Activation layer, a Softmax layer.
    const ends = [[head('a', 'softmax')], [head('b'), tf.layers.activation({ activation: 'softmax' })], [head('c'), tf.layers.softmax()]];
    for (const layers of ends) expect(judged(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), ...layers] }))).toBe('');
  });
});

describe("runModel's note on the model's own penalties", () => {
  it("says a kept penalty on any weight the run's does not go on, as a bias's: a custom layer's scale/gain (this.gainRegularizer), with --penalize-bias too", async () => {
    for (const penalizeBias of [false, true]) {
      const heard: string[] = [];
      const model = await runModel(
        async (seed) => gainEmbedding([4, 4, 1], 3, { seed }),
        1,
        { penalty: penalty('l1:1e-4'), penalizeBias },
        (changes) => heard.push(...changes),
      );
      model.dispose();
      expect(heard).toEqual([
        "scale/gain: penalty tfjs.L1L2:l1=0,l2=0.01 kept (layer scale puts it on a weight the run's penalty does not go on: only kernels and, with --penalize-bias, biases take it)",
      ]);
    }
  });
});
