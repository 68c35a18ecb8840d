import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachToKernels, constraint, loadModel, penalty, penaltyFields, penaltyLoss, saveModel, tf, UsageError } from '../../src/node.ts';

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
    await saveModel(out, dir);
    const back = await loadModel(dir);
    expect(penaltyFields(back)).toMatchObject({ penalty: 'l1:0.1', constraint: 'maxnorm:m=3,axis=0' });
    await rm(dir, { recursive: true });
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
});
