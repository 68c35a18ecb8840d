/**
 * One training step of a model made of odd layers — non-square kernels, strides 2 and [1, 2],
 * `valid` and `same` padding (one axis padded, the other not), a 3×3 conv of 8 → 9 channels,
 * overlapping max pooling with ties after a ReLU, nearest-neighbour upsampling (TF.js's own cpu
 * gradient of it is wrong after the first sample: the library's is exact), a batch of 3 — gives the same gradients on
 * every training backend as on the cpu backend (relative error ≤ 1e-4). With SGD at lr 1 from
 * the same weights, each weight's change is minus its gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerFor, optimizerSpec, selectBackend, type Tensor, tf, trainStep } from '../../src/node.ts';
import { relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));

function oddModel(): tf.LayersModel {
  let seed = 11;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
    biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ }),
  });
  return tf.sequential({
    layers: [
      // 11×10×1 → 10×4×8 (2×3 kernel, stride [1, 2], valid)
      tf.layers.conv2d({ inputShape: [11, 10, 1], filters: 8, kernelSize: [2, 3], strides: [1, 2], activation: 'relu', ...init() }),
      // 3×3, stride 1, same, 8 → 9 channels (Winograd on onnxruntime)
      tf.layers.conv2d({ filters: 9, kernelSize: 3, padding: 'same', activation: 'relu', ...init() }),
      // overlapping windows, same padding, ties of zeros after the ReLU → 5×2×9
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      // nearest-neighbour, rows doubled → 10×2×9
      tf.layers.upSampling2d({ size: [2, 1] }),
      // 3×1 at stride 2, same: rows padded, the 2 columns not → 5×1×5
      tf.layers.conv2d({ filters: 5, kernelSize: [3, 1], strides: 2, padding: 'same', activation: 'relu', ...init() }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 7, activation: 'relu', ...init() }),
      tf.layers.dense({ units: 4, activation: 'softmax', ...init() }),
    ],
  });
}

/** Each weight's change after one SGD step (lr 1), the data loss, on `backend`. */
async function oneStep(backend: string): Promise<{ loss: number; deltas: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = oddModel();
  const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const x = tf.tensor4d(data(3 * 11 * 10, 3), [3, 11, 10, 1]);
  const y = tf.oneHot(tf.tensor1d([2, 0, 3], 'int32'), 4);
  const r = await trainStep(model, optimizerFor(model, optimizerSpec('sgd:lr=1').transform), x, y);
  const deltas = model.getWeights().map((w: Tensor, i) => Float32Array.from(w.dataSync(), (v, j) => v - before[i]![j]!));
  tf.dispose([x, y]);
  model.dispose();
  return { loss: r.dataLoss, deltas };
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 1 });
  await selectBackend('wasm', { threads: 1 });
  await tf.setBackend('cpu');
});

describe('one training step of a model of odd layers = on cpu', () => {
  it.each(['onnxruntime', 'wasm'])(
    'on %s: the loss and every weight’s gradient',
    async (backend) => {
      const cpu = await oneStep('cpu');
      const other = await oneStep(backend);
      expect(Math.abs(other.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
      expect(other.deltas).toHaveLength(10);
      cpu.deltas.forEach((d, i) => {
        expect(
          d.some((v) => v !== 0),
          `weight ${i} moved`,
        ).toBe(true);
        expect(relErr(d, other.deltas[i]!), `weight ${i}`).toBeLessThan(1e-4);
      });
    },
    60_000,
  );
});
