/**
 * wasm's DepthwiseConv2D gradients (stock wasm has neither `DepthwiseConv2dNativeBackpropInput` nor
 * `…BackpropFilter`: a DepthwiseConv2D or SeparableConv2D could not train there) equal the cpu
 * backend's — strides 1 and 2, 'same', 'valid' and explicit pads, channel multipliers 1 and 2,
 * SeparableConv2D's — and a few SGD steps of a model of both layers move its weights as on cpu.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerFor, optimizerSpec, selectBackend, type Tensor, tf, trainStep } from '../../src/node.ts';
import { on, relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
  await tf.setBackend('cpu');
});

describe('DepthwiseConv2D gradients on wasm = on cpu (relative error ≤ 1e-4)', () => {
  it.each([
    // batch, h, w, channels, multiplier, kernel [kh, kw], stride, pad
    [2, 5, 5, 2, 1, [3, 3], 1, 'valid'],
    [2, 6, 6, 2, 2, [3, 3], 2, 'same'],
    [1, 7, 6, 3, 2, [3, 2], 2, 'valid'],
    [2, 8, 7, 2, 1, [3, 1], 2, 'same'],
    [1, 5, 6, 3, 2, [2, 3], 1, 'same'],
    [
      1,
      6,
      5,
      2,
      2,
      [3, 3],
      2,
      [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
    ],
  ] as Array<[number, number, number, number, number, [number, number], number, Pad]>)(
    'batch %i, %i×%i×%i, multiplier %i, kernel %j, stride %i, %j',
    async (n, h, w, c, m, [kh, kw], stride, pad) => {
      const x = data(n * h * w * c, 1);
      const f = data(kh * kw * c * m, 2);
      const grads = () =>
        tf.grads((a: Tensor, b: Tensor) => {
          const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
          return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
        })([tf.tensor4d(x, [n, h, w, c]), tf.tensor4d(f, [kh, kw, c, m])]);
      const [cpuDx, cpuDw] = await on('cpu', grads);
      const [wasmDx, wasmDw] = await on('wasm', grads);
      expect(relErr(cpuDx!, wasmDx!), 'dx').toBeLessThan(1e-4);
      expect(relErr(cpuDw!, wasmDw!), 'dw').toBeLessThan(1e-4);
    },
  );

  it("gives SeparableConv2D's gradients (input, depthwise and pointwise filters) as cpu does", async () => {
    const grads = () =>
      tf.grads((x: Tensor, d: Tensor, p: Tensor) => {
        const y = tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 2, 'same');
        return tf.sum(tf.mul(y, tf.cos(tf.range(0, y.size).reshape(y.shape))));
      })([tf.tensor4d(data(2 * 7 * 7 * 3, 3), [2, 7, 7, 3]), tf.tensor4d(data(3 * 3 * 3 * 2, 4), [3, 3, 3, 2]), tf.tensor4d(data(6 * 4, 5), [1, 1, 6, 4])]);
    const cpu = await on('cpu', grads);
    const wasm = await on('wasm', grads);
    cpu.forEach((g, i) => expect(relErr(g, wasm[i]!), `gradient ${i}`).toBeLessThan(1e-4));
  });
});

/** A DepthwiseConv2D (multiplier 2, stride 2, 'same') and a SeparableConv2D ('valid') before a softmax. */
function depthwiseModel(): tf.LayersModel {
  let seed = 5;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  return tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({
        inputShape: [8, 8, 2],
        kernelSize: 3,
        depthMultiplier: 2,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        depthwiseInitializer: init(),
      }),
      tf.layers.separableConv2d({ filters: 3, kernelSize: 2, activation: 'relu', depthwiseInitializer: init(), pointwiseInitializer: init() }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}

/** The data loss of each of three SGD steps (lr 0.5), the weights before and after them, on `backend`. */
async function threeSteps(backend: string): Promise<{ losses: number[]; initial: Float32Array[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = depthwiseModel();
  const initial = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const optimizer = optimizerFor(model, optimizerSpec('sgd:lr=0.5').transform);
  const x = tf.tensor4d(data(4 * 8 * 8 * 2, 6), [4, 8, 8, 2]);
  const y = tf.oneHot(tf.tensor1d([2, 0, 1, 2], 'int32'), 3);
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push((await trainStep(model, optimizer, x, y)).dataLoss);
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  return { losses, initial, weights };
}

describe('a model with DepthwiseConv2D and SeparableConv2D trains on wasm', () => {
  it('three SGD steps give the losses and weights cpu gives', async () => {
    const cpu = await threeSteps('cpu');
    const wasm = await threeSteps('wasm');
    expect(wasm.losses).toEqual(cpu.losses.map((l) => expect.closeTo(l, 5)));
    // The steps moved the weights: the comparison is of training, not of the initial weights.
    expect(relErr(cpu.initial[0]!, cpu.weights[0]!)).toBeGreaterThan(1e-3);
    cpu.weights.forEach((w, i) => expect(relErr(w, wasm.weights[i]!), `weight ${i}`).toBeLessThan(1e-4));
  });
});
