/**
 * A layer whose step needs a kernel the backend lacks is refused before training with a UsageError
 * naming the layer, the kernel and the backends that have it — it was TF.js's raw "Kernel … not
 * registered" mid-epoch. On wasm a layer computed by `tf.einsum` stays refused (wasm has no
 * `Einsum` kernel; cpu has); an Embedding's gradient (UnsortedSegmentSum) and a DepthwiseConv2D's
 * (DepthwiseConv2dNativeBackprop*), registered by the library, pass. A refused probe leaves no tensor behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** A per-feature scale written with `tf.einsum`, whose kernel wasm lacks. */
class EinsumScale extends tf.layers.Layer {
  static className = 'EinsumScale';
  private gain?: tf.LayerVariable;
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.gain = this.addWeight('gain', [(inputShape as tf.Shape).at(-1) as number], 'float32', tf.initializers.ones());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.einsum('ij,j->ij', Array.isArray(inputs) ? inputs[0]! : inputs, this.gain!.read());
  }
}

const withEinsum = () =>
  tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [6, 6, 2] }), new EinsumScale({ name: 'ein' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });

describe('kernels the backend lacks, found before training', () => {
  it('refuses a layer computed by tf.einsum on wasm, naming the layer, the kernel and the backends that have it', () => {
    const model = withEinsum();
    const err = (() => {
      try {
        checkDifferentiable(model);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^layer ein \(EinsumScale\) cannot be trained on backend wasm: its step needs TF\.js kernel 'Einsum', which this backend does not have; backends that have it: .*\bcpu\b/,
    );
    model.dispose();
  });

  it('frees what TF.js kept for a backward pass that threw (forward ran: the Embedding, its gradient kernel unregistered)', () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ name: 'emb', inputDim: 8, outputDim: 3, inputLength: 4 }), tf.layers.flatten()] });
    const segmentSum = tf.getKernel('UnsortedSegmentSum', 'wasm')!;
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    try {
      const before = tf.memory().numTensors;
      expect(() => checkDifferentiable(model)).toThrow(
        /layer emb \(Embedding\) cannot be trained on backend wasm: its step needs TF\.js kernel 'UnsortedSegmentSum'/,
      );
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.registerKernel(segmentSum);
      model.dispose();
    }
  });

  it('fitToFolder refuses it before it makes the folder', async () => {
    const model = withEinsum();
    const dir = join(tmp, 'run');
    const data = { x: tf.zeros([4, 6, 6, 2]), y: tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2) };
    await expect(fitToFolder(model, data, { epochs: 1, batchSize: 2, seed: 1, dir, figures: false })).rejects.toThrow(/layer ein \(EinsumScale\)/);
    expect(existsSync(dir)).toBe(false);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('a finished run resumed on a backend lacking its step’s kernel: kept as it is (no step runs, nothing probed); asked for an epoch more, refused', async () => {
    const dir = join(tmp, 'finished');
    const data = { x: tf.zeros([4, 4]), y: tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2) };
    const options = { batchSize: 2, seed: 1, dir, figures: false };
    const embedding = () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ name: 'emb', inputDim: 8, outputDim: 3, inputLength: 4 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
    // wasm without the Embedding's gradient kernel (the library registers it), for this test only.
    const segmentSum = tf.getKernel('UnsortedSegmentSum', 'wasm')!;
    try {
      await tf.setBackend('cpu');
      const first = await fitToFolder(embedding(), data, { ...options, epochs: 1 });
      await tf.setBackend('wasm');
      tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
      const kept = await fitToFolder(embedding(), data, { ...options, epochs: 1, resume: true });
      expect(kept.epochs).toEqual(first.epochs);
      await expect(fitToFolder(embedding(), data, { ...options, epochs: 2, resume: true })).rejects.toThrow(
        /layer emb \(Embedding\) cannot be trained on backend wasm: its step needs TF\.js kernel 'UnsortedSegmentSum'/,
      );
    } finally {
      if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel(segmentSum);
      await tf.setBackend('wasm');
      tf.dispose([data.x, data.y]);
    }
  });

  it('probes a convolution at 8×8 at most (its kernels do not depend on the size; its cost on cpu does), a layer that needs its full size at that size', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'c1', inputShape: [14, 14, 1], filters: 2, kernelSize: 3 }),
        tf.layers.conv2d({ name: 'c2', filters: 2, kernelSize: 3 }),
        tf.layers.reshape({ name: 'r', targetShape: [10 * 10 * 2] }),
      ],
    });
    // The shapes each layer's call is given while the probe runs.
    const seen: string[] = [];
    for (const layer of model.layers) {
      const call = layer.call.bind(layer);
      layer.call = (inputs, kwargs) => {
        seen.push(`${layer.name} ${[inputs].flat()[0]!.shape.join('x')}`);
        return call(inputs, kwargs);
      };
    }
    const before = tf.memory().numTensors;
    checkDifferentiable(model);
    expect(tf.memory().numTensors).toBe(before);
    // Inputs of 14×14, 12×12 and 10×10, cut to 8×8; r's reshape to 200 fails at 8×8 and runs at its full 10×10.
    expect([...new Set(seen)]).toEqual(['c1 1x8x8x1', 'c2 1x8x8x2', 'r 1x8x8x2', 'r 1x10x10x2']);
    model.dispose();
  });

  it('passes an Embedding inside a nested model and a DepthwiseConv2D on wasm, leaving no tensor behind', () => {
    const inner = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 8, outputDim: 3, inputLength: 4 }), tf.layers.flatten()] });
    const model = tf.sequential({
      layers: [inner, tf.layers.reshape({ targetShape: [2, 6, 1] }), tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 })],
    });
    const before = tf.memory().numTensors;
    expect(() => checkDifferentiable(model)).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

/** A layer that floors its input in inference mode only: a kernel training mode never runs. */
class FloorAtInference extends tf.layers.Layer {
  static readonly className = 'FloorAtInference';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = [inputs].flat()[0] as tf.Tensor;
    return kwargs.training ? tf.clone(x) : tf.floor(x);
  }
}

describe('kernels of one mode only, found (Floor unregistered from wasm meanwhile)', () => {
  let floor: tf.KernelConfig | undefined;
  beforeEach(() => {
    floor = tf.getKernel('Floor', 'wasm');
    tf.unregisterKernel('Floor', 'wasm');
  });
  afterEach(() => {
    if (floor) tf.registerKernel(floor);
  });
  const around = (middle: tf.layers.Layer) =>
    tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4 }), middle, tf.layers.dense({ units: 2 })] });

  it("refuses a Dropout, whose training mode needs 'Floor', leaving no tensor behind", () => {
    const model = around(tf.layers.dropout({ rate: 0.5, name: 'drop' }));
    const before = tf.memory().numTensors;
    expect(() => checkDifferentiable(model)).toThrow(
      /^layer drop \(Dropout\) cannot be trained on backend wasm: its step needs TF\.js kernel 'Floor', which this backend does not have; backends that have it: .*\bcpu\b/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a layer whose inference mode alone needs it', () => {
    const model = around(new FloorAtInference({ name: 'floored' }));
    expect(() => checkDifferentiable(model)).toThrow(
      /^layer floored \(FloorAtInference\) cannot be trained on backend wasm: its evaluation \(inference mode\) needs TF\.js kernel 'Floor'/,
    );
    model.dispose();
  });
});

describe('the training-mode probe changes nothing', () => {
  it("passes a BatchNormalization and a Dropout, their moving statistics unmoved, no tensor left, Math.random's sequence untouched", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4 }),
        tf.layers.batchNormalization({ momentum: 0.5 }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    // Moving statistics that a training-mode pass on zeros would move (towards the batch's mean 0, variance 0).
    const bn = model.layers[1] as tf.layers.Layer;
    bn.setWeights(bn.getWeights().map((w, i) => (i < 2 ? w : tf.fill(w.shape, 3))));
    const values = () => model.getWeights().map((w) => Array.from(w.dataSync()));
    const weights = values();
    const before = tf.memory().numTensors;
    const random = Math.random;
    let draws = 0;
    Math.random = () => {
      draws++;
      return random();
    };
    try {
      expect(() => checkDifferentiable(model)).not.toThrow();
    } finally {
      Math.random = random;
    }
    expect(values()).toEqual(weights);
    expect(tf.memory().numTensors).toBe(before);
    expect(draws).toBe(0);
    model.dispose();
  });
});
