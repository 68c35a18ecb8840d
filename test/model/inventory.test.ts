/**
 * A custom layer's own weight with a penalty (src/model/inventory.ts): recorded when the layer keeps
 * the regularizer where TF.js's own layers do (`kernel` ─► `this.kernelRegularizer`; a name of its own,
 * `gain` ─► `this.gainRegularizer`), refused otherwise with a message naming the weight and saying
 * where to keep it.
 */
import { describe, expect, it } from 'vitest';
import { fit, penalty, recordWeights, tf } from '../../src/index.ts';

/** A layer scaling its input per feature by a weight named `weightName`, penalised by `reg` through addWeight, and keeping `reg` as its property `keepAs` (if given). */
class Scale extends tf.layers.Layer {
  static className = 'InventoryTestScale';
  private scale?: tf.LayerVariable;
  constructor(private readonly args: { name: string; weightName: string; reg: ReturnType<typeof penalty>; keepAs?: string }) {
    super({ name: args.name });
    if (args.keepAs) (this as unknown as Record<string, unknown>)[args.keepAs] = args.reg;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const last = (inputShape as tf.Shape).at(-1) as number;
    this.scale = this.addWeight(this.args.weightName, [last], 'float32', tf.initializers.constant({ value: 0.5 }), this.args.reg);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.scale!.read());
  }
}

const x = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
const y = tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, 'float32', 2)), 1);
const model = (weightName: string, keepAs?: string) =>
  tf.sequential({
    layers: [
      tf.layers.dense({ name: 'inv_in', units: 4, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      new Scale({ name: 'inv_scale', weightName, reg: penalty('l2:1e-2'), ...(keepAs ? { keepAs } : {}) }),
      tf.layers.dense({ name: 'inv_out', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
const OPTIONS = { epochs: 1, batchSize: 8, seed: 1, loss: 'sparseCategoricalCrossentropy' } as const;

describe("a custom layer's weight with a penalty", () => {
  it.each([
    ['kernel', 'kernelRegularizer', 'kernel'],
    ['gain', 'gainRegularizer', 'other'],
    ['my_gain', 'myGainRegularizer', 'other'],
  ])('named %s, kept as this.%s: recorded, λ·Σw² of its values', async (weightName, keepAs, kind) => {
    const m = model(weightName, keepAs);
    const record = await fit(m, { x, y }, OPTIONS);
    const info = record.config.weights.find((w) => w.name === `inv_scale/${weightName}`);
    expect(info).toMatchObject({ layer: 'inv_scale', kind, trainable: true, penalty: { spec: 'l2:0.01' } });
    const w = Array.from(m.getLayer('inv_scale').getWeights()[0]!.dataSync());
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(0.01 * w.reduce((a, v) => a + v * v, 0), 7);
    expect(record.initial.penaltyLoss).toBeCloseTo(0.01 * 4 * 0.25, 7);
  });

  it('kept elsewhere, or not at all: refused, naming the weight and where to keep its penalty', async () => {
    await expect(fit(model('gain', 'kernelRegularizer'), { x, y }, OPTIONS)).rejects.toThrow(
      /layer inv_scale adds 1 loss term\(s\) to training but only 0 are regularizers .*kernel → kernelRegularizer, recurrent_kernel → recurrentRegularizer, bias → biasRegularizer.*gain → gainRegularizer.*; a custom layer keeps there the regularizer it gives addWeight: this\.addWeight\('gain', …, this\.gainRegularizer\)\); its weights with no penalty found: inv_scale\/gain \(sought as this\.gainRegularizer\)$/,
    );
    await expect(fit(model('kernel'), { x, y }, OPTIONS)).rejects.toThrow(/no penalty found: inv_scale\/kernel \(sought as this\.kernelRegularizer\)$/);
    // `activityRegularizer` is a layer's output's penalty (TF.js cannot call a layer having one), never a weight's.
    await expect(fit(model('activity'), { x, y }, OPTIONS)).rejects.toThrow(
      /no penalty found: inv_scale\/activity \(none is sought on a weight named activity: rename it\)$/,
    );
  });
});

describe('a penalty set on a layer after the model is built', () => {
  /** A built model whose layer `late` had `before` as its kernel's regularizer when it was built. */
  const built = (before?: ReturnType<typeof penalty>) =>
    tf.sequential({
      layers: [
        tf.layers.dense({ name: 'late', units: 4, inputShape: [4], ...(before ? { kernelRegularizer: before } : {}) }),
        tf.layers.dense({ name: 'late_out', units: 3, activation: 'softmax' }),
      ],
    });
  const set = (m: tf.LayersModel, reg: unknown) => {
    (m.getLayer('late') as unknown as { kernelRegularizer: unknown }).kernelRegularizer = reg;
    return m;
  };
  const REFUSED =
    /layer late: the penalty on late\/kernel \(Dense's kernelRegularizer\) is not among the loss terms TF\.js keeps for it.*set \(or replaced\) after the layer made its weights.*before the model is built.*attachToKernels$/;

  it('(TF.js never applies it) is refused by fit and by recordWeights, naming the weight and what to do instead', async () => {
    // TF.js keeps the regularizer addWeight was given: none here.
    const m = set(built(), penalty('l1:0.01'));
    expect(m.getLayer('late').losses).toHaveLength(0);
    await expect(fit(m, { x, y }, OPTIONS)).rejects.toThrow(REFUSED);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [recordWeights(m)] })).rejects.toThrow(REFUSED);
  });

  it('replacing another (TF.js applies the first) is refused the same way; one of the same value is the same penalty', async () => {
    await expect(fit(set(built(penalty('l2:0.01')), penalty('l1:0.01')), { x, y }, OPTIONS)).rejects.toThrow(REFUSED);
    const same = set(built(penalty('l1:0.01')), tf.regularizers.l1({ l1: 0.01 }));
    const record = await fit(same, { x, y }, { ...OPTIONS, optimizer: tf.train.sgd(0) });
    const k = Array.from(same.getLayer('late').getWeights()[0]!.dataSync());
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(0.01 * k.reduce((a, v) => a + Math.abs(v), 0), 6);
  });

  it('removed (TF.js still applies it): refused as a loss term no weight explains', async () => {
    await expect(fit(set(built(penalty('l2:0.01')), null), { x, y }, OPTIONS)).rejects.toThrow(
      /layer late adds 1 loss term\(s\) to training but only 0 are regularizers .*regularizer removed after the layer was built.*no penalty found: late\/kernel \(sought as this\.kernelRegularizer\), late\/bias \(sought as this\.biasRegularizer\)$/,
    );
  });
});
