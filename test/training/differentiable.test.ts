/**
 * A dilated convolution has no gradient in TF.js (its Conv2D gradient asserts "dilation rates greater
 * than 1 are not yet supported"): on the per-kernel path fit and fitToFolder refuse such a model up
 * front with a UsageError naming the layer, before any epoch or folder, when a step needs that
 * gradient; a frozen dilated layer with nothing trainable before it trains; the fused graph is not refused.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { checkDifferentiable, fit, localGradients } from '../../src/training/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'penx-differentiable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dilated = (trainable = true) => tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, trainable, name: 'atrous' });
const head = () => [tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })];
const data = () => ({ x: tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 1), y: tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2) });
const OPTIONS = { epochs: 1, batchSize: 4, seed: 1 };

describe('a dilated convolution on the per-kernel path', () => {
  it("fit refuses it before the first epoch, naming the layer (it was TF.js's error once epoch 0 was recorded)", async () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), dilated(), ...head()] });
    const epochs: number[] = [];
    const err = await fit(model, data(), { ...OPTIONS, callbacks: [{ onEpochEnd: (e: number) => void epochs.push(e) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^layer atrous \(Conv2D, dilation rate 2×2\) cannot be trained on the per-kernel path \(backend cpu\): TF\.js has no gradient for a convolution dilated by more than 1/,
    );
    expect(epochs).toEqual([]);
  });

  it('fitToFolder refuses it before it makes the folder', async () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), dilated(), ...head()] });
    const dir = join(tmp, 'run');
    await expect(fitToFolder(model, data(), { ...OPTIONS, dir, figures: false })).rejects.toThrow(/layer atrous \(Conv2D, dilation rate 2×2\)/);
    expect(existsSync(dir)).toBe(false);
  });

  it('frozen, with only frozen layers before it: no gradient needed, it trains', async () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), dilated(false), ...head()] });
    const record = await fit(model, data(), OPTIONS);
    expect(record.epochs).toHaveLength(1);
  });

  it('frozen behind a trainable layer, or inside a frozen nested model behind one: refused (its input gradient is needed)', () => {
    const behind = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), tf.layers.conv2d({ filters: 1, kernelSize: 1 }), dilated(false), ...head()],
    });
    expect(() => checkDifferentiable(behind)).toThrow(/layer atrous \(Conv2D, dilation rate 2×2\)/);
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), dilated()] });
    inner.trainable = false;
    const nested = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), tf.layers.conv2d({ filters: 1, kernelSize: 1 }), inner, ...head()],
    });
    expect(() => checkDifferentiable(nested)).toThrow(/layer inner\/atrous \(Conv2D, dilation rate 2×2\)/);
    // First in the model and frozen with its nested model: nothing needs its gradient.
    const first = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), inner, ...head()] });
    expect(() => checkDifferentiable(first)).not.toThrow();
  });

  it('the fused graph (onnxruntime) computes its gradient: not refused there', () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), dilated(), ...head()] });
    expect(() => checkDifferentiable(model, localGradients)).toThrow(UsageError);
    expect(() => checkDifferentiable(model, { ...localGradients, path: 'fused' })).not.toThrow();
  });
});
