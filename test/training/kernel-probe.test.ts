/**
 * A layer whose step needs a kernel the backend lacks is refused before training with a UsageError
 * naming the layer, the kernel and the backends that have it — it was TF.js's raw "Kernel … not
 * registered" mid-epoch. On wasm a DepthwiseConv2D's filter gradient stays missing; an Embedding's
 * (UnsortedSegmentSum, registered by the library) passes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { selectBackend, tf } from '../../src/node.ts';
import { checkDifferentiable } from '../../src/training/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'penx-kernel-probe-'));
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await tf.setBackend('cpu');
});
beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

const depthwise = () =>
  tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, name: 'dw' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });

describe('kernels the backend lacks, found before training', () => {
  it('refuses a DepthwiseConv2D on wasm, naming the layer, the kernel and the backends that have it', () => {
    const model = depthwise();
    const err = (() => {
      try {
        checkDifferentiable(model);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^layer dw \(DepthwiseConv2D\) cannot be trained on backend wasm: its step needs TF\.js kernel 'DepthwiseConv2dNativeBackpropFilter', which this backend does not have; backends that have it: .*\bcpu\b/,
    );
    model.dispose();
  });

  it('fitToFolder refuses it before it makes the folder', async () => {
    const model = depthwise();
    const dir = join(tmp, 'run');
    const data = { x: tf.zeros([4, 6, 6, 2]), y: tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2) };
    await expect(fitToFolder(model, data, { epochs: 1, batchSize: 2, seed: 1, dir, figures: false })).rejects.toThrow(/layer dw \(DepthwiseConv2D\)/);
    expect(existsSync(dir)).toBe(false);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('passes an Embedding inside a nested model on wasm, leaving no tensor behind', () => {
    const inner = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 8, outputDim: 3, inputLength: 4 }), tf.layers.flatten()] });
    const model = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2 })] });
    const before = tf.memory().numTensors;
    expect(() => checkDifferentiable(model)).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
