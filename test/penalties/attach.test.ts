import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  attachToKernels,
  type ConstraintJson,
  constraint,
  constraintFromJson,
  inventory,
  loadModel,
  penalty,
  penaltyFields,
  penaltyLoss,
  type RegularizerJson,
  regularizerFromJson,
  saveModel,
  tf,
  UsageError,
} from '../../src/node.ts';
import gainEmbedding from '../fixtures/models/gain-embedding.ts';
import { shifted } from '../fixtures/models/registered-bias.ts';

type Controls = { kernelRegularizer?: unknown; kernelConstraint?: unknown };
/** A registered custom layer with a `kernel` (and a `bias`): with `takes`, it takes its kernel's penalty and constraint from its config as TF.js's layers do. */
const customLayer = (className: string, takes: boolean) => {
  class Custom extends tf.layers.Layer {
    static className = className;
    readonly kernelRegularizer?: tf.serialization.Serializable;
    readonly kernelConstraint?: tf.serialization.Serializable;
    private kernel?: tf.LayerVariable;
    constructor(args: { name?: string } & Controls) {
      super(args);
      if (takes)
        [this.kernelRegularizer, this.kernelConstraint] = [
          regularizerFromJson(args.kernelRegularizer as RegularizerJson),
          constraintFromJson(args.kernelConstraint as ConstraintJson),
        ];
    }
    override build(shape: tf.Shape | tf.Shape[]): void {
      const reg = this.kernelRegularizer as Parameters<tf.layers.Layer['addWeight']>[4];
      const con = this.kernelConstraint as Parameters<tf.layers.Layer['addWeight']>[6];
      this.kernel = this.addWeight('kernel', [(shape as tf.Shape).at(-1) as number, 2], 'float32', tf.initializers.ones(), reg, true, con);
      this.addWeight('bias', [2], 'float32', tf.initializers.zeros());
      this.built = true;
    }
    override getConfig(): tf.serialization.ConfigDict {
      const own = (x?: tf.serialization.Serializable) => (x ? { className: x.getClassName(), config: x.getConfig() } : null);
      return { ...super.getConfig(), ...(takes ? { kernelRegularizer: own(this.kernelRegularizer), kernelConstraint: own(this.kernelConstraint) } : {}) };
    }
    override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
      return [(shape as tf.Shape)[0] ?? null, 2];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.matMul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.kernel!.read());
    }
  }
  tf.serialization.registerClass(Custom);
  return Custom;
};
const Taking = customLayer('AttachTestTaking', true);
const NotTaking = customLayer('AttachTestNotTaking', false);
const withCustom = (L: typeof Taking) =>
  tf.sequential({ name: 'custom', layers: [tf.layers.dense({ name: 'd', units: 3, inputShape: [3] }), new L({ name: 'mine' })] });

const model = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'c', inputShape: [5, 5, 1], filters: 2, kernelSize: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ name: 'd', units: 3, kernelRegularizer: penalty('l2:5'), kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
    ],
  });

describe('attachToKernels', () => {
  it('puts the penalty on every kernel (replacing what was there), keeps the weights, and saves and loads', async () => {
    const m = model();
    const out = await attachToKernels(m, { penalty: penalty('l1:0.1'), constraint: constraint('maxnorm:m=3') });
    expect(out.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(m.getWeights().map((w) => Array.from(w.dataSync())));
    const kernels = out.weights.filter((w) => w.originalName.endsWith('kernel')).map((w) => w.read());
    const expected = tf.tidy(() => kernels.reduce((s, k) => s + 0.1 * tf.sum(tf.abs(k)).dataSync()[0]!, 0));
    expect(tf.tidy(() => penaltyLoss(out).dataSync()[0])).toBeCloseTo(expected, 5);
    expect(penaltyFields(out)).toMatchObject({ penalty: 'l1:0.1', constraint: 'maxnorm:m=3,axis=0', penalizeBias: false });
    const dir = await mkdtemp(join(tmpdir(), 'penx-attach-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await saveModel(out, dir);
    const back = await loadModel(dir);
    expect(penaltyFields(back)).toMatchObject({ penalty: 'l1:0.1', constraint: 'maxnorm:m=3,axis=0' });
  });

  it('with penalty none, no penalty at all; biases only when asked', async () => {
    const none = await attachToKernels(model(), { penalty: penalty('none') });
    expect(none.layers.flatMap((l) => l.calculateLosses())).toHaveLength(0);
    const both = await attachToKernels(model(), { penalty: penalty('l2:1'), penalizeBias: true });
    expect(both.layers.flatMap((l) => l.calculateLosses())).toHaveLength(4);
    expect(penaltyFields(both).penalizeBias).toBe(true);
  });

  it('refuses a model with a custom layer TF.js cannot rebuild (not registered), naming its class and what to do', async () => {
    class Unregistered extends tf.layers.Layer {
      static className = 'AttachTestUnregistered';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      }
    }
    const m = tf.sequential({ name: 'custom', layers: [tf.layers.dense({ units: 2, inputShape: [3] }), new Unregistered({})] });
    const attached = attachToKernels(m, { penalty: penalty('l1:0.1') });
    await expect(attached).rejects.toBeInstanceOf(UsageError);
    await expect(attachToKernels(m, { penalty: penalty('l1:0.1') })).rejects.toThrow(
      /^model custom cannot be rebuilt by TF\.js from its JSON \(Unknown layer: AttachTestUnregistered\.\), which putting a penalty on every kernel needs: register each custom layer class with tf\.serialization\.registerClass/,
    );
  });

  it('refuses a model TF.js cannot rebuild for another reason with its reason, not the advice to register a class', async () => {
    const m = tf.sequential({ name: 'active', layers: [tf.layers.dense({ name: 'act', units: 2, inputShape: [3] })] });
    (m.getLayer('act') as unknown as { activityRegularizer: unknown }).activityRegularizer = tf.regularizers.l2();
    const err = await attachToKernels(m, { penalty: penalty('l1:0.1') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^model active cannot be rebuilt by TF\.js from its JSON \(.*activity regularizer\(s\) is not supported yet\.\)/);
    expect((err as Error).message).not.toContain('registerClass');
  });

  it("a registered custom layer's kernel: penalised and constrained when its config takes them as TF.js's layers do, λ·Σ|w| counted", async () => {
    const out = await attachToKernels(withCustom(Taking), { penalty: penalty('l1:0.1'), constraint: constraint('nonneg') });
    const mine = out.getLayer('mine');
    expect(tf.tidy(() => penaltyLoss(out).dataSync()[0])).toBeCloseTo(0.1 * (tf.sum(tf.abs(out.getLayer('d').getWeights()[0]!)).dataSync()[0]! + 3 * 2), 5);
    expect(mine.calculateLosses()).toHaveLength(1);
    expect(penaltyFields(out)).toMatchObject({ penalty: 'l1:0.1', constraint: 'nonneg' });
  });

  it('refuses a registered custom layer whose kernel cannot take the penalty or constraint (its config has no kernelRegularizer), naming the weight and what to do', async () => {
    const err = await attachToKernels(withCustom(NotTaking), { penalty: penalty('l1:0.1') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^model custom: the penalty l1:0\.1 cannot be put on every kernel: mine\/kernel \(layer mine, class AttachTestNotTaking\) would have none, as its layer's config has no kernelRegularizer .*this\.addWeight\('kernel', …, this\.kernelRegularizer\)\), or put the penalty on its layers yourself$/,
    );
    await expect(attachToKernels(withCustom(NotTaking), { penalty: penalty('none'), constraint: constraint('nonneg') })).rejects.toThrow(
      /^model custom: the constraint nonneg cannot be put on every kernel: mine\/kernel \(layer mine, class AttachTestNotTaking\) would have none, .*kernelConstraint/,
    );
    // Its bias, with penalizeBias: the same (a layer taking only its kernel's).
    await expect(attachToKernels(withCustom(Taking), { penalty: penalty('l2:1'), penalizeBias: true })).rejects.toThrow(
      /^model custom: the penalty l2:1 cannot be put on every bias: mine\/bias \(layer mine, class AttachTestTaking\) would have none, as its layer's config has no biasRegularizer/,
    );
    // Nothing asked that it cannot take: no penalty, no constraint.
    const plain = await attachToKernels(withCustom(NotTaking), { penalty: penalty('none') });
    expect(penaltyFields(plain)).toMatchObject({ penalty: 'none' });
  });

  it("a registered custom layer's bias penalty: its config's removed (the penalty's with penalizeBias), one it sets itself kept, one no record finds refused", async () => {
    const specOf = (m: tf.LayersModel, name: string) => {
      const w = inventory(m).weights.find((v) => v.name === name)!;
      return w.regularizer ? ((w.regularizer as { spec?: string }).spec ?? w.regularizer.getClassName()) : 'none';
    };
    const build = (source: 'config' | 'own' | 'hidden') => shifted(source)([3, 2], 2, { seed: 1 });
    const removed = await attachToKernels(build('config'), { penalty: penalty('l1:0.1') });
    expect(specOf(removed, 'shift/bias')).toBe('none');
    expect(tf.tidy(() => penaltyLoss(removed).dataSync()[0])).toBeCloseTo(0.1 * tf.sum(tf.abs(removed.getLayer('head').getWeights()[0]!)).dataSync()[0]!, 5);
    const put = await attachToKernels(build('config'), { penalty: penalty('l1:0.1'), penalizeBias: true });
    expect(specOf(put, 'shift/bias')).toBe('l1:0.1');
    const kept = await attachToKernels(build('own'), { penalty: penalty('l1:0.1') });
    expect(specOf(kept, 'shift/bias')).toBe('L1L2');
    const err = await attachToKernels(build('hidden'), { penalty: penalty('l1:0.1') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^layer shift adds 1 loss term\(s\) .*its weights with no penalty found: shift\/bias \(sought as this\.biasRegularizer\)$/,
    );
  });

  it("a registered custom layer's weight of its own name (scale/gain, kept as this.gainRegularizer, in its config): kept through the rebuild, counted as TF.js counts it; the Embedding's matrix takes the penalty as a kernel", async () => {
    const model = gainEmbedding([4, 4, 1], 3, { seed: 1 });
    const out = await attachToKernels(model, { penalty: penalty('l1:0.1') });
    const byName = new Map(inventory(out).weights.map((w) => [w.name, w.regularizer?.getClassName() ?? 'none']));
    expect(Object.fromEntries(byName)).toEqual({ 'scale/gain': 'L1L2', 'emb/embeddings': 'penx.l1', 'head/kernel': 'penx.l1', 'head/bias': 'none' });
    const values = (layer: string) => Array.from(out.getLayer(layer).getWeights()[0]!.dataSync());
    const l1 = (vs: number[]) => vs.reduce((t, v) => t + Math.abs(v), 0);
    const byHand = 0.1 * (l1(values('emb')) + l1(values('head'))) + 0.01 * values('scale').reduce((t, v) => t + v * v, 0);
    expect(tf.tidy(() => penaltyLoss(out).dataSync()[0])).toBeCloseTo(byHand, 4);
    // What TF.js itself adds for the gain: the one loss term of its layer.
    expect(tf.tidy(() => out.getLayer('scale').calculateLosses()[0]!.dataSync()[0])).toBeCloseTo(0.01 * values('scale').reduce((t, v) => t + v * v, 0), 6);
    model.dispose();
    out.dispose();
  });
});
