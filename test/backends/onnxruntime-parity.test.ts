/**
 * Every kernel the onnxruntime backend replaces agrees with the stock cpu backend (relative error
 * ≤ 1e-4): Conv2D and its two gradients over strides, paddings, kernel sizes, channel counts and
 * batch sizes; the fused forms; matrix products with and without transposes; max pooling and its
 * gradient (with ties); the large-tensor elementwise kernels and sums; gathering rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HOST_LOOP_ELEMENTS, MIN_ORT_ELEMENTS } from '../../src/backends/onnxruntime/kernels/elementwise.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { type Tensor, tf } from '../../src/tf.ts';
import { nonFiniteImages, on, POOL_WINDOWS, relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));

/** Non-finite values must match exactly (NaN for NaN, the same infinity); the finite ones within `tolerance`. */
function expectClose(c: Float32Array, o: Float32Array, label: string, tolerance: number): void {
  expect(o.length, `${label} size`).toBe(c.length);
  const finite = (a: Float32Array) => a.map((v, j) => (Number.isFinite(c[j]!) && Number.isFinite(o[j]!) ? v : 0));
  c.forEach((v, j) => {
    if (!Number.isFinite(v) || !Number.isFinite(o[j]!)) expect(Object.is(v, o[j]) || v === o[j], `${label}[${j}]: ${v} vs ${o[j]}`).toBe(true);
  });
  expect(relErr(finite(c), finite(o)), label).toBeLessThan(tolerance);
}

async function agree(f: () => Tensor[], tolerance = 1e-4): Promise<void> {
  const cpu = await on('cpu', f);
  const ort = await on('onnxruntime', f);
  expect(ort).toHaveLength(cpu.length);
  cpu.forEach((c, i) => expectClose(c, ort[i]!, `output ${i}`, tolerance));
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 1 });
  await tf.setBackend('cpu');
});

describe('Conv2D and its gradients on onnxruntime = on cpu', () => {
  type Case = [batch: number, size: number, cin: number, cout: number, k: number, stride: number, pad: 'same' | 'valid'];
  const cases: Case[] = [];
  const channels = [1, 3, 8, 16, 5, 2];
  let i = 0;
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const k of [1, 3, 5]) {
        cases.push([1 + (i % 4), 9 + (i % 2), channels[i % channels.length]!, channels[(i + 2) % channels.length]!, k, stride, pad]);
        i++;
      }
  // The extremes: 128 channels in and out; a batch of 128; the reference model's first layer.
  cases.push([2, 6, 128, 128, 3, 1, 'same'], [128, 8, 1, 4, 3, 2, 'valid'], [1, 28, 1, 32, 3, 1, 'valid'], [4, 12, 64, 16, 3, 1, 'valid']);

  it.each(cases)('batch %i, %ipx, %i→%i channels, kernel %i, stride %i, %s: y, dx, dw', async (n, size, cin, cout, k, stride, pad) => {
    const x = data(n * size * size * cin, 1);
    const w = data(k * k * cin * cout, 2);
    await agree(() => {
      const xt = tf.tensor4d(x, [n, size, size, cin]);
      const wt = tf.tensor4d(w, [k, k, cin, cout]);
      const g = tf.grads((a: Tensor, b: Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return [tf.conv2d(xt, wt, stride, pad), ...g([xt, wt])];
    });
  });

  /** A fused 3×3 `same` conv of 2 samples of size×size×3 by 4 filters. */
  const fusedConv = (size: number, bias: Tensor, options: Partial<Parameters<typeof tf.fused.conv2d>[0]>) =>
    tf.fused.conv2d({
      x: tf.tensor4d(data(2 * size * size * 3, 3), [2, size, size, 3]),
      filter: tf.tensor4d(data(3 * 3 * 3 * 4, 4), [3, 3, 3, 4]),
      strides: 1,
      pad: 'same',
      bias,
      ...options,
    });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const)('fused conv2d with bias and %s', async (activation) => {
    await agree(() => [
      fusedConv(7, tf.tensor1d([0.1, -0.2, 0.3, -0.4]), {
        activation,
        ...(activation === 'prelu' ? { preluActivationWeights: tf.scalar(0.1) } : {}),
        ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
      }),
    ]);
  });

  it.each([[[4]], [[1, 1, 1, 4]], [[4, 1, 1]], [[1, 4, 1, 1]], [[1, 1, 4, 1]]] as const)(
    'fused conv2d with a bias of shape %j (per channel, or broadcast along rows or columns)',
    async (shape) => {
      await agree(() => [fusedConv(4, tf.tensor([10, 20, 30, 40], [...shape]), { activation: 'relu' })]);
    },
  );
});

describe('matrix products on onnxruntime = on cpu', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('rank 2 and rank 3, transposeA %s, transposeB %s, with their gradients', async (ta, tb) => {
    const a2 = data(6 * 40, 4);
    const b2 = data(40 * 7, 5);
    await agree(() => {
      const a = tf.tensor2d(a2, ta ? [40, 6] : [6, 40]);
      const b = tf.tensor2d(b2, tb ? [7, 40] : [40, 7]);
      const a3 = tf.tensor3d(a2, ta ? [2, 20, 6] : [2, 6, 20]);
      const b3 = tf.tensor3d(b2, tb ? [2, 7, 20] : [2, 20, 7]);
      const grads = tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.square(tf.matMul(p, q, ta, tb))))([a, b]);
      return [tf.matMul(a, b, ta, tb), tf.matMul(a3, b3, ta, tb), ...grads];
    });
  });

  it.each([
    [[3, 5], [5, 2], true, false],
    [[2, 3, 4], [2, 5, 4], false, false],
    [[4, 3], [2, 4], false, false],
  ] as const)('a product of %j by %j (transposeA %s, transposeB %s) whose inner dimensions differ: the cpu backend’s error', async (as, bs, ta, tb) => {
    const error = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        try {
          tf.matMul(tf.ones([...as]), tf.ones([...bs]), ta, tb).dataSync();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      });
    };
    const cpu = await error('cpu');
    expect(cpu).toMatch(/inner shapes/);
    expect(await error('onnxruntime')).toBe(cpu);
  });

  it.each(['linear', 'relu', 'sigmoid'] as const)('fused matMul with bias and %s (a dense layer)', async (activation) => {
    await agree(() => [
      tf.fused.matMul({ a: tf.tensor2d(data(5 * 9, 6), [5, 9]), b: tf.tensor2d(data(9 * 4, 7), [9, 4]), bias: tf.tensor1d([1, -1, 0.5, 0]), activation }),
    ]);
  });
});

describe('pooling, elementwise kernels and sums on onnxruntime = on cpu', () => {
  it.each([
    [2, 2, 'valid', 24],
    [3, 2, 'same', 9],
    [2, 1, 'valid', 9],
  ] as const)('MaxPool and its gradient: pool %i, stride %i, %s, %ipx (ties of zeros after a ReLU)', async (pool, stride, pad, size) => {
    const x = data(4 * size * size * 8, 3).map((v) => Math.max(0, v));
    await agree(() => {
      const xt = tf.tensor4d(x, [4, size, size, 8]);
      const g = tf.grad((a: Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, pool, stride, pad);
        return tf.sum(tf.mul(y, tf.cos(tf.range(0, y.size).reshape(y.shape))));
      });
      return [tf.maxPool(xt, pool, stride, pad), g(xt)];
    });
  });

  it.each([
    [1, 1, 1],
    [1, 2, 1],
    [2, 2, 2],
    [3, 1, 3],
  ] as const)('MaxPool and its gradient with a numeric pad as large as the window: pool %i, stride %i, pad %i', async (pool, stride, pad) => {
    const x = data(2 * 7 * 7 * 3, 16);
    await agree(() => {
      const xt = tf.tensor4d(x, [2, 7, 7, 3]);
      const g = tf.grad((a: Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, pool, stride, pad);
        return tf.sum(tf.mul(tf.where(tf.isFinite(y), y, tf.zerosLike(y)), tf.cos(tf.range(0, y.size).reshape(y.shape))));
      });
      return [tf.maxPool(xt, pool, stride, pad), g(xt)];
    });
  });

  it.each(POOL_WINDOWS)(
    'MaxPool and its gradient over windows of NaN and −∞ (pool %i, stride %i, %s): −∞ and no gradient there, as on cpu',
    async (pool, stride, pad) => {
      const x = nonFiniteImages();
      const dy = data(2 * 8 * 8, 17);
      await agree(() => {
        const input = tf.tensor4d(x, [2, 8, 8, 1]);
        const output = tf.maxPool(input, pool, stride, pad);
        const d = tf.tensor(dy.subarray(0, output.size), output.shape);
        return [output, tf.engine().runKernel(tf.MaxPoolGrad, { dy: d, input, output }, { filterSize: pool, strides: stride, pad }) as Tensor];
      });
    },
  );

  it('elementwise kernels below and above MIN_ORT_ELEMENTS, as loops or on the host (with a broadcast bias, NaN and ±∞)', async () => {
    for (const n of [MIN_ORT_ELEMENTS / 64 - 1, (2 * MIN_ORT_ELEMENTS) / 64]) {
      const v = data(n * 64, 8);
      v[0] = NaN;
      v[1] = Infinity;
      v[2] = -Infinity;
      v[3] = 0;
      await agree(() => {
        const x = tf.tensor2d(v, [n, 64]);
        const y = tf.tensor2d(
          data(n * 64, 9).map((u) => u + 2),
          [n, 64],
        );
        const bias = tf.tensor1d(data(64, 10));
        const one = tf.tensor2d([[0.7]]);
        // Broadcasts of a scalar, a [1, 1] and a bias on either side, as the optimisers and layers make them.
        const broadcasts = [
          tf.mul(x, 0.95),
          tf.add(x, 0.3),
          tf.sub(x, 0.25),
          tf.div(x, 3),
          tf.sub(1, x),
          tf.div(one, y),
          tf.sub(bias, x),
          tf.div(bias, y),
          tf.mul(one, x),
          tf.add(tf.reshape(bias, [1, 64]), x),
        ];
        return [
          tf.add(x, bias),
          tf.sub(x, y),
          tf.mul(x, y),
          tf.div(x, y),
          tf.relu(x),
          tf.step(x),
          tf.step(x, 0.3),
          tf.sqrt(tf.abs(x)),
          tf.square(x),
          tf.neg(x),
          tf.sign(x),
          tf.abs(x),
          ...broadcasts,
        ];
      });
    }
  });

  it('elementwise kernels past the loops (HOST_LOOP_ELEMENTS) run on ONNX Runtime and agree too', async () => {
    const n = HOST_LOOP_ELEMENTS / 64 + 1;
    const v = data(n * 64, 15);
    v[0] = NaN;
    const w = v.map((u) => u + 2);
    const results: Float32Array[][] = [];
    for (const backend of ['cpu', 'onnxruntime']) {
      await tf.setBackend(backend);
      const [x, y, bias] = [tf.tensor2d(v, [n, 64]), tf.tensor2d(w, [n, 64]), tf.tensor1d(v.subarray(0, 64))];
      const out = [tf.add(x, bias), tf.sub(x, y), tf.div(x, y), tf.sqrt(tf.abs(x)), tf.square(x)];
      results.push(out.map((t) => t.dataSync() as Float32Array));
      tf.dispose([x, y, bias, ...out]);
    }
    await tf.setBackend('cpu');
    results[0]!.forEach((c, i) => expectClose(c, results[1]![i]!, `output ${i}`, 1e-6));
  });

  it('the gradient of Relu (one kernel on onnxruntime), also of second order, for finite and infinite activations', async () => {
    for (const n of [64, 2 * MIN_ORT_ELEMENTS]) {
      const v = data(n, 12);
      v[0] = Infinity;
      v[1] = -Infinity;
      v[2] = 0;
      await agree(() => {
        const x = tf.tensor1d(v);
        const w = tf.tensor1d(data(n, 13));
        const first = (a: Tensor, u: Tensor) => tf.grad((b: Tensor) => tf.sum(tf.mul(tf.relu(b), u)))(a);
        // Second order: through the gradient kernel, with respect to the activation and to dy.
        const byX = tf.grad((a: Tensor) => tf.sum(tf.mul(first(a, w), w)))(x);
        const byDy = tf.grad((u: Tensor) => tf.sum(tf.mul(first(x, u), tf.cos(u))))(w);
        return [first(x, w), byX, byDy];
      });
    }
  });

  it('NaN activations: the onnxruntime Relu gradient is NaN there, as on cpu, also when a max pool passes over the NaN', async () => {
    const v = data(2 * MIN_ORT_ELEMENTS, 14);
    v[5] = NaN;
    const grad = () => [tf.grad((a: Tensor) => tf.sum(tf.mul(tf.relu(a), 2)))(tf.tensor1d(v))];
    const [cpu] = await on('cpu', grad);
    const [ort] = await on('onnxruntime', grad);
    expect(cpu![5]).toBeNaN();
    expect(ort![5]).toBeNaN();
    expectClose(cpu!, ort!, 'dx', 1e-6);
    // relu ─► max pool: the pool skips the NaN, so the loss is finite; the gradient still carries it.
    const pooled = () => {
      const x = tf.tensor4d(v, [2, 128, 128, 2]);
      const loss = (a: Tensor) => tf.sum(tf.maxPool(tf.relu(a) as tf.Tensor4D, 2, 2, 'valid'));
      return [loss(x), tf.grad(loss)(x)];
    };
    const [cpuLoss, cpuDx] = await on('cpu', pooled);
    const [ortLoss, ortDx] = await on('onnxruntime', pooled);
    expect(Number.isFinite(cpuLoss![0]!)).toBe(true);
    expectClose(cpuLoss!, ortLoss!, 'loss', 1e-6);
    expect(cpuDx![5]).toBeNaN();
    expectClose(cpuDx!, ortDx!, 'dx through the pool', 1e-6);
  });

  it.each([
    [[40, 30, 30], [0, 1], false],
    [[40, 30, 30], [0, 1, 2], true],
    [[30, 40, 30], [1], false],
    [[30, 40, 30], [2, 0], true],
  ] as const)('Sum of shape %j over axes %j (keepDims %s)', async (shape, axes, keepDims) => {
    const x = data(
      shape.reduce((a, b) => a * b, 1),
      11,
    );
    await agree(() => [tf.sum(tf.tensor(x, [...shape]), [...axes], keepDims)]);
  });
});

describe('gathering rows (a training batch) on onnxruntime = on cpu', () => {
  it('GatherV2 along axis 0 of images and labels, with repeats; other axes and an index out of range as the cpu backend has them', async () => {
    const make = () => [tf.tensor4d(data(50 * 28 * 28, 21), [50, 28, 28, 1]), tf.tensor2d(data(50 * 10, 22), [50, 10])] as const;
    await agree(() => {
      const [x, y] = make();
      const idx = tf.tensor1d([49, 0, 7, 7, 13], 'int32');
      return [
        tf.gather(x, idx),
        tf.gather(y, idx),
        tf.gather(y, tf.tensor1d([9, 1, 1], 'int32'), 1),
        tf.gather(
          y,
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            'int32',
          ),
        ),
      ];
    }, Number.MIN_VALUE);
    const outOfRange = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        try {
          tf.gather(make()[1], tf.tensor1d([3, 50], 'int32')).dataSync();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      });
    };
    expect(await outOfRange('onnxruntime')).toBe(await outOfRange('cpu'));
  });
});

describe('the kernels above ran on ONNX Runtime', () => {
  it('built a session for each kernel shape', async () => {
    const { sessionCount } = await import('../../src/backends/onnxruntime/index.ts');
    expect(sessionCount()).toBeGreaterThan(60);
  });
});
