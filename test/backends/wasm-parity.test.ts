import { beforeAll, describe, expect, it } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import { shiftedFilterGradApplies } from '../../src/kernels/conv-filter-grad.ts';
import {
  attachToKernels,
  constraint,
  optimizerFor,
  optimizerSpec,
  penalty,
  ShardedGradients,
  selectBackend,
  type Tensor,
  tf,
  trainStep,
} from '../../src/node.ts';
import { nonFiniteImages, on, POOL_WINDOWS, relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));

beforeAll(async () => {
  await selectBackend('wasm', { threads: 2 });
  await tf.setBackend('cpu');
});

describe('wasm training kernels agree with the cpu backend (relative error ≤ 1e-4)', () => {
  const cases: Array<[batch: number, size: number, cin: number, cout: number, k: number, stride: number, pad: 'same' | 'valid']> = [];
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const k of [1, 3, 5]) cases.push([stride === 1 ? 3 : 2, 9, k === 3 ? 16 : 3, k === 5 ? 1 : 8, k, stride, pad]);
  cases.push([1, 28, 1, 32, 3, 1, 'valid'], [5, 12, 64, 16, 3, 1, 'valid'], [2, 10, 7, 5, 3, 2, 'same']);

  it.each(cases)('Conv2D gradients: batch %i, %ipx, %i→%i channels, kernel %i, stride %i, %s', async (n, size, cin, cout, k, stride, pad) => {
    const x = data(n * size * size * cin, 1);
    const w = data(k * k * cin * cout, 2);
    const grads = () => {
      const xt = tf.tensor4d(x, [n, size, size, cin]);
      const wt = tf.tensor4d(w, [k, k, cin, cout]);
      const g = tf.grads((a: Tensor, b: Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return g([xt, wt]);
    };
    const [cpuDx, cpuDw] = await on('cpu', grads);
    const [wasmDx, wasmDw] = await on('wasm', grads);
    expect(relErr(cpuDx!, wasmDx!)).toBeLessThan(1e-4);
    expect(relErr(cpuDw!, wasmDw!)).toBeLessThan(1e-4);
  });

  it.each([
    [8, 8, [3, 1], 2],
    [7, 8, [3, 1], 2],
    [8, 7, [1, 3], 2],
    [9, 8, [2, 5], 3],
    [8, 8, [3, 3], [2, 1]],
  ] as Array<[number, number, [number, number], number | [number, number]]>)(
    'Conv2D, FusedConv2D and their depthwise forms forward, same padding: %i×%i, kernel %j, stride %j (one axis padded, the other not)',
    async (h, w, k, stride) => {
      const x = data(2 * h * w * 3, 7);
      const f = data(k[0] * k[1] * 3 * 4, 8);
      const y = () => {
        const [xt, ft] = [tf.tensor4d(x, [2, h, w, 3]), tf.tensor4d(f, [k[0], k[1], 3, 4])];
        const bias = tf.tensor1d([0.1, -0.2, 0.3, 0]);
        const fused = tf.fused.conv2d({ x: xt, filter: ft, strides: stride, pad: 'same', bias, activation: 'relu' });
        // ft as a depthwise filter: 3 channels, multiplier 4 (12 outputs).
        const fusedDw = tf.fused.depthwiseConv2d({ x: xt, filter: ft, strides: stride, pad: 'same', bias: tf.tile(bias, [3]), activation: 'relu' });
        return [tf.conv2d(xt, ft, stride, 'same'), fused, tf.depthwiseConv2d(xt, ft, stride, 'same'), fusedDw];
      };
      const cpu = await on('cpu', y);
      const wasm = await on('wasm', y);
      cpu.forEach((c, i) => expect(relErr(c, wasm[i]!), `output ${i}`).toBeLessThan(1e-5));
    },
  );

  it.each([
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [2, 1, 'valid'],
  ] as const)('MaxPool gradient: pool %i, stride %i, %s', async (pool, stride, pad) => {
    // Half the inputs clipped to 0 (as after a ReLU), so windows have ties: the first maximum wins.
    const x = data(2 * 9 * 9 * 5, 3).map((v) => Math.max(0, v));
    const g = () => [
      tf.grad((a: Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, pool, stride, pad);
        return tf.sum(tf.mul(y, tf.cos(tf.range(0, y.size).reshape(y.shape))));
      })(tf.tensor4d(x, [2, 9, 9, 5])),
    ];
    const [cpu] = await on('cpu', g);
    const [wasm] = await on('wasm', g);
    expect(relErr(cpu!, wasm!)).toBeLessThan(1e-4);
  });

  it.each(POOL_WINDOWS)(
    'MaxPool gradient with NaN and −∞ in windows (pool %i, stride %i, %s): NaN never the maximum, a window of nothing above −∞ passes nothing',
    async (pool, stride, pad) => {
      const x = nonFiniteImages();
      // The kernel itself, on the same dy (the stock wasm MaxPool's output differs from cpu's at NaN).
      const g = () => {
        const input = tf.tensor4d(x, [2, 8, 8, 1]);
        const output = tf.maxPool(input, pool, stride, pad);
        const dy = tf.tensor(data(output.size, 5), output.shape);
        return [tf.engine().runKernel(tf.MaxPoolGrad, { dy, input, output }, { filterSize: pool, strides: stride, pad }) as Tensor];
      };
      const [cpu] = await on('cpu', g);
      const [wasm] = await on('wasm', g);
      // Overlapping windows add in float32 here, in float64 on cpu: equal but for rounding.
      expect(relErr(cpu!, wasm!)).toBeLessThan(1e-6);
    },
  );

  it.each([
    [[4, 6, 6, 3], [0, 1, 2], false],
    [[4, 6, 6, 3], [0, 1, 2], true],
    [[5, 7], [0], false],
    [[3, 4, 5], [1, 0], false],
    [[3, 4, 5], [1, 2], false],
  ] as const)('Sum of shape %j over axes %j (keepDims %s), as in bias gradients', async (shape, axes, keepDims) => {
    const x = data(
      shape.reduce((a, b) => a * b, 1),
      6,
    );
    const f = () => [tf.sum(tf.tensor(x, [...shape]), [...axes], keepDims)];
    const [cpu] = await on('cpu', f);
    const [wasm] = await on('wasm', f);
    expect(wasm!.length).toBe(cpu!.length);
    expect(relErr(cpu!, wasm!)).toBeLessThan(1e-5);
  });

  it('Dense gradients (matmul with both transposes)', async () => {
    const x = data(6 * 40, 4);
    const w = data(40 * 7, 5);
    const g = () => tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([tf.tensor2d(x, [6, 40]), tf.tensor2d(w, [40, 7])]);
    const cpu = await on('cpu', g);
    const wasm = await on('wasm', g);
    cpu.forEach((c, i) => expect(relErr(c, wasm[i]!)).toBeLessThan(1e-4));
  });

  it('one training step of the reference model from the same weights', async () => {
    // Two images (the gradients summed over a batch): TF.js's cpu filter gradient is a plain loop, ~5 s an image here.
    const xs = data(2 * 28 * 28, 6).map((v) => Math.abs(v));
    const labels = [3, 1];
    const step = async (backend: string) => {
      await tf.setBackend(backend);
      const built = referenceModel([28, 28, 1], 10, { seed: 7 });
      const model = await attachToKernels(built, { penalty: penalty('deadzone:1e-4'), constraint: constraint('maxnorm:m=3,axis=-1') });
      built.dispose();
      const [x, y] = [tf.tensor4d(xs, [2, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
      const r = await trainStep(model, optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform), x, y);
      const weights = model.getWeights().map((t) => Array.from(t.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      return { r, weights };
    };
    const cpu = await step('cpu');
    const wasm = await step('wasm');
    expect(relErr([cpu.r.dataLoss, cpu.r.penaltyLoss], [wasm.r.dataLoss, wasm.r.penaltyLoss])).toBeLessThan(1e-4);
    expect(cpu.weights).toHaveLength(10);
    cpu.weights.forEach((w, i) => expect(relErr(w, wasm.weights[i]!), `weight ${i}`).toBeLessThan(1e-4));
  }, 180_000);
});

describe('no tensor leaks on wasm', () => {
  it('the tensor count after step 10 equals the count after step 1000', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 1],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          kernelRegularizer: penalty('l1:1e-4'),
          kernelConstraint: constraint('minmaxnorm:max=2,rate=0.5'),
        }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelRegularizer: penalty('deadzone:1e-4') }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: penalty('lp:1e-4,p=3') }),
      ],
    });
    const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const counts: number[] = [];
    const bytes: number[] = [];
    for (let step = 1; step <= 1000; step++) {
      await trainStep(model, opt, x, y);
      if (step === 10 || step === 1000) {
        counts.push(tf.memory().numTensors);
        bytes.push(tf.memory().numBytes);
      }
    }
    expect(counts[1]).toBe(counts[0]);
    expect(bytes[1]).toBe(bytes[0]);
  });
});

describe('no leaks on the data-parallel training path (main thread + 1 worker)', () => {
  it('tensors, bytes and the backend’s data ids (views included) are the same after step 10 and step 1000', async () => {
    await selectBackend('wasm', { threads: 2 });
    // 22×22 → 20×20×8 → 18×18×8: the second layer's filter gradient takes the shifted-views path.
    const logits = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [22, 22, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelRegularizer: penalty('l1:1e-4') }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelConstraint: constraint('maxnorm:m=2') }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    expect(shiftedFilterGradApplies(tf.backend_util.computeConv2DInfo([4, 20, 20, 8], [3, 3, 8, 8], 1, 1, 'valid'))).toBe(true);
    const sharded = await ShardedGradients.start(logits, 1);
    const opt = optimizerFor(logits, optimizerSpec('adam:lr=1e-3').transform);
    const x = tf.randomUniform([4, 22, 22, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const seen: Array<[number, number, number]> = [];
    for (let step = 1; step <= 1000; step++) {
      await trainStep(logits, opt, x, y, { loss: 'softmaxCrossEntropyFromLogits', gradients: sharded, measureConstraints: true });
      if (step === 10 || step === 1000) {
        const m = tf.memory();
        seen.push([m.numTensors, m.numBytes, tf.backend().numDataIds()]);
      }
    }
    expect(seen[1]).toEqual(seen[0]);
    await sharded.close();
  }, 120_000);
});
