/**
 * The fused training graph (src/backends/onnxruntime/fused/) computes what the cpu backend
 * computes: for every layer kind and activation it expresses, every loss, a padded batch, frozen
 * layers (a TF.js regularizer on one counted, with no gradient) and a seeded dropout, the loss sum,
 * correct count and every weight's gradient agree with TF.js's own autodiff on the cpu backend within 1e-4 (relative) — on ONNX Runtime's threads and
 * data-parallel (shards on this thread and a worker); a full training step of the reference model
 * too. Models and losses it cannot express give a reason and train per kernel.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { attachToKernels, definePenalty, fit, optimizerFor, optimizerSpec, penalty, type StepResult, tf, trainStep } from '../../src/index.ts';
import { gradientsFor } from '../../src/parallel/gradients-for.ts';
import { batchGradients } from '../../src/training/batch-math.ts';
import type { LossName } from '../../src/training/losses.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11 + seed));

/** Labels for a loss: one-hot rows, class indices, or regression targets of the output's shape. */
function labels(loss: LossName, n: number, outShape: number[]): tf.Tensor {
  const classes = outShape[0] ?? 1;
  if (loss === 'meanSquaredError') return tf.tensor(data(n * outShape.reduce((a, b) => a * b, 1), 9), [n, ...outShape]);
  const idx = Array.from({ length: n }, (_, i) => (i * 7 + 3) % classes);
  if (loss === 'sparseCategoricalCrossentropy') return tf.tensor2d(idx, [n, 1]);
  return tf.oneHot(tf.tensor1d(idx, 'int32'), classes).toFloat();
}

interface Grads {
  readonly numbers: number[];
  /** By the weight's place among the model's trainable weights (names differ from model to model). */
  readonly grads: Record<string, Float32Array>;
}

/** Gradients keyed by the weight's place and kind, e.g. `2:kernel`. */
function byPlace(model: tf.LayersModel, grads: tf.NamedTensorMap): Record<string, Float32Array> {
  return Object.fromEntries(
    model.trainableWeights.flatMap((lv, i) => {
      const g = grads[(lv.read() as tf.Variable).name];
      return g ? [[`${i}:${lv.originalName.split('/').at(-1)}`, g.dataSync() as Float32Array]] : [];
    }),
  );
}

/** A fresh model from `build` with the same weights on every backend (`seed`), made on the current backend. */
async function modelOn(backend: string, build: () => tf.LayersModel, seed: number): Promise<tf.LayersModel> {
  await tf.setBackend(backend);
  const m = build();
  m.weights.forEach((w, i) => (w.read() as tf.Variable).assign(tf.tensor(data(w.shape.reduce((a, b) => a! * b!, 1)!, seed + i, 0.4), w.shape as number[])));
  return m;
}

/** Loss, correct and gradients of `build`'s model on the cpu backend (TF.js autodiff). */
async function onCpu(build: () => tf.LayersModel, x: Float32Array, xShape: number[], loss: LossName, n: number): Promise<Grads> {
  const m = await modelOn('cpu', build, 5);
  const [xt, yt] = [tf.tensor(x, xShape), labels(loss, n, m.outputs[0]!.shape.slice(1) as number[])];
  const g = batchGradients(m, { xs: [xt], ys: [yt] }, objectiveOf(m, loss), 1 / n);
  const out = { numbers: g.scores, grads: byPlace(m, g.grads) };
  tf.dispose([xt, yt, ...Object.values(g.grads)]);
  m.dispose();
  return out;
}

/**
 * Loss, correct and gradients of `build`'s model with the weights it sets itself, for a
 * categorical cross-entropy: TF.js autodiff on cpu, the fused graph (one thread) on onnxruntime.
 */
async function asBuilt(backend: 'cpu' | 'onnxruntime', build: () => tf.LayersModel, x: Float32Array, xShape: number[], y: () => tf.Tensor): Promise<Grads> {
  await tf.setBackend(backend);
  const m = build();
  const f = backend === 'onnxruntime' ? await FusedGradients.start(m, 'categoricalCrossentropy', 1) : undefined;
  if (typeof f === 'string') throw new Error(`not fused: ${f}`);
  const batch = { xs: [tf.tensor(x, xShape)], ys: [y()] };
  const objective = objectiveOf(m, 'categoricalCrossentropy');
  const g = f ? await f.gradients(m, batch, objective) : batchGradients(m, batch, objective, 1 / xShape[0]!);
  if (f) expect(f.sessions, 'the graph ran').toBeGreaterThan(0);
  const out = { numbers: g.scores, grads: byPlace(m, g.grads) };
  tf.dispose([...batch.xs, ...batch.ys, ...Object.values(g.grads)]);
  await f?.close();
  m.dispose();
  return out;
}

/**
 * The same from the fused graph, run at `size` samples (a padded batch when size > n), on two
 * threads: ONNX Runtime's own, or this thread and a worker each running a shard (`data`).
 */
async function fused(
  build: () => tf.LayersModel,
  x: Float32Array,
  xShape: number[],
  loss: LossName,
  n: number,
  size = n,
  parallel: 'threads' | 'data' = 'threads',
): Promise<Grads & { sessions: number }> {
  const m = await modelOn('onnxruntime', build, 5);
  const f = await FusedGradients.start(m, loss, 2, parallel);
  if (typeof f === 'string') throw new Error(`not fused: ${f}`);
  const yAll = labels(loss, size, m.outputs[0]!.shape.slice(1) as number[]);
  const [xt, yt] = [tf.tensor(x, xShape), tf.slice(yAll, 0, n)];
  if (size > n) {
    // A larger batch first: the n-sample batch then runs padded in its session.
    const big = tf.concat([tf.tensor(x, xShape), tf.zeros([size - n, ...xShape.slice(1)])]);
    tf.dispose(Object.values((await f.gradients(m, { xs: [big], ys: [yAll] }, objectiveOf(m, loss))).grads));
    big.dispose();
  }
  const g = await f.gradients(m, { xs: [xt], ys: [yt] }, objectiveOf(m, loss));
  // The graph ran (a batch it cannot take goes to the per-kernel path, which builds no session).
  expect(f.sessions).toBeGreaterThan(0);
  const out = { numbers: g.scores, grads: byPlace(m, g.grads), sessions: f.sessions };
  tf.dispose([xt, yt, yAll, ...Object.values(g.grads)]);
  await f.close();
  m.dispose();
  return out;
}

function expectSame(cpu: Grads, ort: Grads): void {
  expect(Object.keys(ort.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
  for (const [k, g] of Object.entries(cpu.grads)) expect(relErr(g, ort.grads[k]!), k).toBeLessThan(1e-4);
  expect(relErr(cpu.numbers.filter(Number.isFinite), ort.numbers.filter(Number.isFinite)), 'loss sum and correct count').toBeLessThan(1e-4);
}

const img = (h: number, w: number, c: number) => tf.layers.inputLayer({ inputShape: [h, w, c] });
const seq =
  (...layers: tf.layers.Layer[]) =>
  () =>
    tf.sequential({ layers });

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 2 });
});

describe('fused gradients = TF.js autodiff on cpu, per layer kind', () => {
  const conv = (filters: number, kernelSize: number, strides: number, padding: 'valid' | 'same', activation: string) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding, activation: activation as 'relu' });
  const cases: Array<[string, () => tf.LayersModel, number[], LossName]> = [
    [
      'Conv2D 3×3 valid relu (Winograd) ─ Flatten ─ Dense softmax',
      () => seq(img(10, 10, 8), conv(16, 3, 1, 'valid', 'relu'), tf.layers.flatten(), tf.layers.dense({ units: 5, activation: 'softmax' }))(),
      [10, 10, 8],
      'categoricalCrossentropy',
    ],
    [
      'Conv2D 3×3 stride 2 same relu on one channel ─ Conv2D 2×2 stride 2 valid (direct, few input values)',
      () =>
        seq(
          img(9, 9, 1),
          conv(4, 3, 2, 'same', 'relu'),
          tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, padding: 'valid' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3 }),
        )(),
      [9, 9, 1],
      'softmaxCrossEntropyFromLogits',
    ],
    [
      'Conv2D 3×3 same tanh ─ Conv2D 5×5 stride 2 sigmoid (direct) ─ GlobalFlatten',
      () => seq(img(9, 9, 3), conv(8, 3, 1, 'same', 'tanh'), conv(4, 5, 2, 'same', 'sigmoid'), tf.layers.flatten(), tf.layers.dense({ units: 3 }))(),
      [9, 9, 3],
      'softmaxCrossEntropyFromLogits',
    ],
    [
      'MaxPooling2D 2×2 on odd sizes, ties (constant regions)',
      () =>
        seq(
          img(7, 7, 2),
          conv(8, 1, 1, 'valid', 'relu'),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        )(),
      [7, 7, 2],
      'categoricalCrossentropy',
    ],
    [
      // The pooling hands the Winograd conv above it dy with a row of zeros after the batch (its
      // padding and, 9 being odd, its filter gradient's last tiles read there).
      'Conv2D 3×3 same relu ─ Conv2D 3×3 valid relu (Winograd) ─ MaxPooling2D 2×2 on an odd size',
      () =>
        seq(
          img(11, 11, 8),
          conv(8, 3, 1, 'same', 'relu'),
          conv(16, 3, 1, 'valid', 'relu'),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        )(),
      [11, 11, 8],
      'categoricalCrossentropy',
    ],
    [
      'MaxPooling2D 3×3 and AveragePooling2D 2×2',
      () =>
        seq(
          img(12, 12, 2),
          conv(8, 3, 1, 'same', 'elu'),
          tf.layers.maxPooling2d({ poolSize: 3 }),
          tf.layers.averagePooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        )(),
      [12, 12, 2],
      'sparseCategoricalCrossentropy',
    ],
    [
      'Dense activations: relu6, selu, softplus, elu, linear, softmax in the middle',
      () =>
        seq(
          tf.layers.dense({ inputShape: [6], units: 7, activation: 'relu6' }),
          tf.layers.dense({ units: 7, activation: 'selu' }),
          tf.layers.dense({ units: 7, activation: 'softplus' }),
          tf.layers.dense({ units: 7, activation: 'elu' }),
          tf.layers.dense({ units: 7, activation: 'softmax' }),
          tf.layers.dense({ units: 3, activation: 'linear' }),
        )(),
      [6],
      'meanSquaredError',
    ],
    [
      'Dense activations TF.js composes of other ops: swish, mish, gelu, gelu_new, softsign, hardSigmoid',
      () =>
        seq(
          ...(['swish', 'mish', 'gelu', 'gelu_new', 'softsign'] as const).map((activation, i) =>
            tf.layers.dense({ ...(i === 0 ? { inputShape: [6] } : {}), units: 5, activation }),
          ),
          tf.layers.dense({ units: 3, activation: 'hardSigmoid' }),
        )(),
      [6],
      'meanSquaredError',
    ],
    [
      'Activation and ReLU layers, Reshape, Dense sigmoid with cross-entropy on probabilities',
      () =>
        seq(
          tf.layers.dense({ inputShape: [6], units: 8 }),
          tf.layers.activation({ activation: 'tanh' }),
          tf.layers.reLU(),
          tf.layers.reshape({ targetShape: [2, 4] }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'sigmoid' }),
        )(),
      [6],
      'categoricalCrossentropy',
    ],
    [
      // The LeakyReLU meets the padding's zeros (their gradient, α·dy at exactly 0, then cut off by the padding's Slice).
      'ZeroPadding2D ─ LeakyReLU ─ Conv2D ─ Cropping2D ─ GlobalAveragePooling2D',
      () =>
        seq(
          img(5, 6, 2),
          conv(3, 1, 1, 'valid', 'tanh'),
          tf.layers.zeroPadding2d({
            padding: [
              [1, 2],
              [0, 1],
            ],
          }),
          tf.layers.leakyReLU({ alpha: 0.2 }),
          conv(4, 3, 1, 'valid', 'relu'),
          tf.layers.cropping2D({
            cropping: [
              [1, 0],
              [0, 2],
            ],
          }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        )(),
      [5, 6, 2],
      'categoricalCrossentropy',
    ],
    [
      // Batch 3: TF.js's own cpu gradient of the upsampling was wrong after the first sample (the library's is exact).
      'UpSampling2D (nearest, 2×3) ─ Conv2D ─ MaxPooling2D',
      () =>
        seq(
          img(3, 4, 2),
          conv(3, 1, 1, 'valid', 'tanh'),
          tf.layers.upSampling2d({ size: [2, 3] }),
          conv(4, 3, 1, 'valid', 'relu'),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        )(),
      [3, 4, 2],
      'categoricalCrossentropy',
    ],
    [
      'GlobalMaxPooling2D, ties (equal pixels, channels all 0 after the relu)',
      () => seq(img(6, 6, 2), conv(6, 1, 1, 'valid', 'relu'), tf.layers.globalMaxPooling2d({}), tf.layers.dense({ units: 3, activation: 'softmax' }))(),
      [6, 6, 2],
      'sparseCategoricalCrossentropy',
    ],
    [
      'LeakyReLU, ELU, ReLU with maxValue and a final Softmax layer (cross-entropy of its logits)',
      () =>
        seq(
          tf.layers.dense({ inputShape: [6], units: 7 }),
          tf.layers.leakyReLU(),
          tf.layers.dense({ units: 7 }),
          tf.layers.elu(),
          tf.layers.dense({ units: 7 }),
          tf.layers.reLU({ maxValue: 0.15 }),
          tf.layers.dense({ units: 4 }),
          tf.layers.softmax(),
        )(),
      [6],
      'categoricalCrossentropy',
    ],
    [
      'mean squared error of a rank-3 output',
      () => seq(tf.layers.dense({ inputShape: [5], units: 6, activation: 'relu' }), tf.layers.reshape({ targetShape: [3, 2] }))(),
      [5],
      'meanSquaredError',
    ],
  ];
  it.each(cases)(
    '%s',
    async (_, build, inShape, loss) => {
      const n = 6;
      const shape = [n, ...inShape];
      // Whole numbers in 0..3 on images: many equal values in a window (ties of max pooling).
      const x =
        inShape.length === 3
          ? Float32Array.from(data(n * inShape.reduce((a, b) => a * b, 1), 2), (v) => Math.round(Math.abs(v) * 3))
          : data(n * inShape[0]!, 2);
      const cpu = await onCpu(build, x, shape, loss, n);
      expectSame(cpu, await fused(build, x, shape, loss, n));
      // Data-parallel: two shards of 3, on this thread and a worker.
      expectSame(cpu, await fused(build, x, shape, loss, n, n, 'data'));
    },
    60_000,
  );

  it('GlobalMaxPooling2D of constant images: every position holds the maximum and gets dy whole, as TF.js', async () => {
    // TF.js's Max gradient is dy·[x = max] (each tied position, not the first only, as MaxPooling2D's):
    // the conv below gets h·w = 16 times the gradient a first-maximum rule would give it.
    const build = () =>
      seq(
        img(4, 4, 1),
        tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
        tf.layers.globalMaxPooling2d({}),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      )();
    const x = Float32Array.from({ length: 2 * 16 }, (_, i) => (i < 16 ? 1 : 2));
    const cpu = await onCpu(build, x, [2, 4, 4, 1], 'categoricalCrossentropy', 2);
    expectSame(cpu, await fused(build, x, [2, 4, 4, 1], 'categoricalCrossentropy', 2));
  }, 60_000);

  it("LeakyReLU at exactly 0: TF.js's gradient there is α·dy, as the graph's", async () => {
    // The first sample's pre-activation of unit 0 is 1·1 + (−1)·1 = 0 exactly; its kernel column then gets x·α·dy.
    const build = () => {
      const m = seq(
        tf.layers.dense({ inputShape: [2], units: 3, useBias: false }),
        tf.layers.leakyReLU({ alpha: 0.25 }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      )();
      m.setWeights([
        tf.tensor2d([
          [1, 0.5, -1],
          [1, 0.25, 0.5],
        ]),
        tf.tensor2d([0.5, -1, 0.25, 1, -0.5, 0.75], [3, 2]),
        tf.zeros([2]),
      ]);
      return m;
    };
    const x = Float32Array.of(1, -1, 2, 0.5);
    const y = () => tf.tensor2d([1, 0, 0, 1], [2, 2]);
    expectSame(await asBuilt('cpu', build, x, [2, 2], y), await asBuilt('onnxruntime', build, x, [2, 2], y));
  }, 60_000);

  it("hardSigmoid at and near its kinks (z = ±2.5): TF.js's clip gradient there is 0.2·dy, as the graph's", async () => {
    // Unit 0 takes z = x, unit 1 z = −x: 0.5 + 0.2·(±2.5) is 0 or 1 exactly in float32 (inside the
    // clip, whose gradient keeps dy at both bounds); ±2.5001 and ±2.6 lie outside, ±2.4999 inside.
    const build = () => {
      const m = seq(
        tf.layers.dense({ inputShape: [1], units: 2, useBias: false }),
        tf.layers.activation({ activation: 'hardSigmoid' }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      )();
      m.setWeights([tf.tensor2d([[1, -1]]), tf.tensor2d([0.5, -1, 0.25, 1], [2, 2]), tf.zeros([2])]);
      return m;
    };
    const x = Float32Array.of(-2.5, 2.5, 2.5001, -2.4999, -2.6, 0.5);
    const y = () => tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1], [6, 2]);
    expectSame(await asBuilt('cpu', build, x, [6, 1], y), await asBuilt('onnxruntime', build, x, [6, 1], y));
  }, 60_000);

  /** `m` (a Dense of 2 inputs to 3 units, no bias, then a softmax) with the kernel giving logits z = [300, −300, 0] on the input [1, 0]. */
  const saturated = (m: tf.LayersModel): tf.LayersModel => {
    m.setWeights([
      tf.tensor2d([
        [300, -300, 0],
        [0, 0, 0],
      ]),
    ]);
    return m;
  };

  /** On cpu and in the graph: `build`'s saturated model on [1, 0] twice, label 1, gives the cross-entropy of its logits. */
  async function expectLogitsLoss(build: () => tf.LayersModel): Promise<void> {
    const x = Float32Array.of(1, 0, 1, 0);
    const y = () => tf.tensor2d([0, 1, 0, 0, 1, 0], [2, 3]);
    const [cpu, ort] = [await asBuilt('cpu', build, x, [2, 2], y), await asBuilt('onnxruntime', build, x, [2, 2], y)];
    for (const g of [cpu, ort]) {
      // 600 per sample (the clipped probabilities would give −log 1e-7 ≈ 16.1 and no gradient).
      expect(g.numbers[0]).toBeCloseTo(1200, 2);
      // The kernel's gradient: mean over the batch of x·(softmax(z) − y) = [1, −1, 0] in its first row.
      expect(Array.from(g.grads['0:kernel']!)).toEqual([1, -1, 0, 0, 0, 0]);
    }
  }

  it('a saturated final Softmax layer: the loss reads its logits, gradient softmax(z) − y as on cpu', async () => {
    await expectLogitsLoss(() => saturated(seq(tf.layers.dense({ inputShape: [2], units: 3, useBias: false }), tf.layers.softmax())()));
  }, 60_000);

  it("a mask given to a final Softmax layer's own call: TF.js runs the model without it, as the graph does", async () => {
    // TF.js 4.22 keeps a functional call's kwargs on the layer's inbound node (callArgs), but runs a
    // model (apply, predict, fit) by calling each layer with the model's kwargs: that mask reaches
    // no call, on cpu or in the graph. (A mask a layer computes — Masking, Embedding — does reach
    // later calls, but those layers are not fused.) If this test fails, TF.js applies such a mask:
    // the fused planner must then refuse a layer whose node holds one (plan.ts).
    const masks: tf.Tensor[] = [];
    const build = () => {
      const inp = tf.input({ shape: [2] });
      const z = tf.layers.dense({ units: 3, useBias: false }).apply(inp) as tf.SymbolicTensor;
      const mask = tf.tensor2d([[0, 1, 1]]);
      masks.push(mask);
      const softmax = tf.layers.softmax();
      const m = tf.model({ inputs: inp, outputs: softmax.apply(z, { mask }) as tf.SymbolicTensor });
      expect(softmax.inboundNodes[0]!.callArgs?.['mask'], 'the node holds the mask').toBe(mask);
      return saturated(m);
    };
    await tf.setBackend('cpu');
    const m = build();
    const probs = m.predict(tf.tensor2d([[1, 0]])) as tf.Tensor;
    // softmax([300, −300, 0]) = [1, 0, 0]; with the mask it would be softmax([300 − 1e9, −300, 0]) = [0, 0, 1].
    expect(Array.from(probs.dataSync())).toEqual([1, 0, 0]);
    tf.dispose([probs]);
    m.dispose();
    // The cross-entropy of the logits, as without the mask (the masked probabilities [0, 0, 1] would give −log 1e-7).
    await expectLogitsLoss(build);
    tf.dispose(masks);
  }, 60_000);

  it('a saturated sigmoid under a cross-entropy of probabilities: its tail (down to 1e-7) gives the loss of cpu', async () => {
    // Logits −10 … −16 of the labelled class: σ from 4.5e-5 down to 1.1e-7 (above the clip at 1e-7), each loss −log σ.
    const x = Float32Array.of(-10, -12, -14, -16);
    const build = () => {
      const m = seq(tf.layers.dense({ inputShape: [1], units: 2, activation: 'sigmoid' }))();
      m.setWeights([tf.tensor2d([[1, -1]]), tf.zeros([2])]);
      return m;
    };
    const y = () => tf.tensor2d([1, 0, 1, 0, 1, 0, 1, 0], [4, 2]);
    const [cpu, ort] = [await asBuilt('cpu', build, x, [4, 1], y), await asBuilt('onnxruntime', build, x, [4, 1], y)];
    // Σ −log σ(x) ≈ 52 on cpu.
    expect(cpu.numbers[0]).toBeGreaterThan(50);
    expectSame(cpu, ort);
  }, 60_000);

  it('a batch smaller than the session runs padded, with the gradient of its real samples', async () => {
    const build = () =>
      seq(
        img(8, 8, 1),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, activation: 'softmax' }),
      )();
    const x = data(3 * 64, 4);
    const ort = await fused(build, x, [3, 8, 8, 1], 'categoricalCrossentropy', 3, 8);
    expect(ort.sessions).toBe(1);
    const cpu = await onCpu(build, x, [3, 8, 8, 1], 'categoricalCrossentropy', 3);
    expectSame(cpu, ort);
    // Data-parallel shards of 2 and 1 in sessions of 4 (built for the batch of 8).
    expectSame(cpu, await fused(build, x, [3, 8, 8, 1], 'categoricalCrossentropy', 3, 8, 'data'));
  }, 60_000);

  it('int32 labels (as tf.oneHot makes them, or class indices) and int32 images run the graph, as float ones', async () => {
    const build = () =>
      seq(
        img(6, 6, 2),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      )();
    const n = 5;
    const pixels = Array.from(data(n * 72, 6), (v) => Math.round(Math.abs(v) * 9));
    const classes = Array.from({ length: n }, (_, i) => (i * 2 + 1) % 3);
    const floatsOf = (t: tf.Tensor) => [t.dataSync() as Float32Array];
    for (const [loss, ys] of [
      ['categoricalCrossentropy', () => [tf.oneHot(tf.tensor1d(classes, 'int32'), 3), tf.oneHot(tf.tensor1d(classes, 'int32'), 3).toFloat()]],
      ['sparseCategoricalCrossentropy', () => [tf.tensor2d(classes, [n, 1], 'int32'), tf.tensor2d(classes, [n, 1], 'float32')]],
    ] as const) {
      const m = await modelOn('onnxruntime', build, 5);
      const f = await FusedGradients.start(m, loss, 2);
      if (typeof f === 'string') throw new Error(`not fused: ${f}`);
      const [yInt, yFloat] = ys();
      const [xInt, xFloat] = [tf.tensor4d(pixels, [n, 6, 6, 2], 'int32'), tf.tensor4d(pixels, [n, 6, 6, 2], 'float32')];
      const asInts = await f.gradients(m, { xs: [xInt], ys: [yInt!] }, objectiveOf(m, loss));
      expect(f.sessions, loss).toBe(1);
      const asFloats = await f.gradients(m, { xs: [xFloat], ys: [yFloat!] }, objectiveOf(m, loss));
      expect(asInts.scores, loss).toEqual(asFloats.scores);
      for (const [k, g] of Object.entries(asFloats.grads)) expect(floatsOf(asInts.grads[k]!), `${loss} ${k}`).toEqual(floatsOf(g));
      tf.dispose([xInt, xFloat, yInt!, yFloat!, ...Object.values(asInts.grads), ...Object.values(asFloats.grads)]);
      await f.close();
      m.dispose();
    }
  }, 60_000);

  it('fit refuses fused gradients started for another model or objective, before writing anything; trains fused with its own', async () => {
    const build = () => seq(img(4, 4, 1), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' }))();
    const [m, other] = [await modelOn('onnxruntime', build, 5), await modelOn('onnxruntime', build, 6)];
    const f = await FusedGradients.start(m, 'categoricalCrossentropy', 2);
    if (typeof f === 'string') throw new Error(`not fused: ${f}`);
    const x = tf.tensor4d(data(8 * 16, 2), [8, 4, 4, 1]);
    const classes = tf.tensor2d([0, 1, 2, 0, 1, 2, 0, 1], [8, 1]);
    const oneHot = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const settings = { epochs: 1, batchSize: 4, optimizer: 'sgd:lr=0.1', gradients: f } as const;
    await expect(fit(m, { x, y: classes }, { ...settings, loss: 'sparseCategoricalCrossentropy' })).rejects.toThrow(
      /started for loss categoricalCrossentropy, metrics \[acc\]; this training has loss sparseCategoricalCrossentropy, metrics \[acc\]/,
    );
    await expect(fit(other, { x, y: oneHot }, { ...settings, loss: 'categoricalCrossentropy' })).rejects.toThrow(/started for another model/);
    const parent = mkdtempSync(join(tmpdir(), 'penx-ort-refused-'));
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    const dir = join(parent, 'run');
    await expect(fitToFolder(m, { x, y: oneHot }, { ...settings, dir, figures: false, metrics: [] })).rejects.toThrow(/metrics \[\]/);
    expect(existsSync(dir)).toBe(false);
    // With the model and objective it was started for, the graph trains (it builds its session).
    const record = await fit(m, { x, y: oneHot }, { ...settings, loss: 'categoricalCrossentropy' });
    expect([record.config.gradients, f.sessions]).toEqual(['fused', 1]);
    tf.dispose([x, classes, oneHot]);
    await f.close();
    m.dispose();
    other.dispose();
  }, 60_000);

  it('frozen layers get no gradient; a seeded dropout drops what it drops on cpu', async () => {
    const build = () => {
      const m = seq(
        tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu', name: 'frozen' }),
        tf.layers.dropout({ rate: 0.5, seed: 3 }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'top' }),
      )();
      m.getLayer('frozen').trainable = false;
      return m;
    };
    const cpu = await onCpu(build, data(12, 1), [2, 6], 'categoricalCrossentropy', 2);
    expect(Object.keys(cpu.grads).sort()).toEqual(['0:kernel', '1:bias']);
    expectSame(cpu, await fused(build, data(12, 1), [2, 6], 'categoricalCrossentropy', 2));
    // The dropout multiplier drawn for the whole batch, its rows cut with the batch's.
    expectSame(cpu, await fused(build, data(12, 1), [2, 6], 'categoricalCrossentropy', 2, 2, 'data'));
  }, 60_000);
});

describe('layers frozen or unfrozen after the fused gradients started (fine-tuning in two phases)', () => {
  it('the gradients follow the trainable weights at each step, as on cpu', async () => {
    const build = () =>
      seq(
        tf.layers.dense({ inputShape: [4], units: 5, activation: 'tanh' }),
        tf.layers.dense({ units: 4, activation: 'relu' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      )();
    const [cpuModel, ortModel] = [await modelOn('cpu', build, 5), await modelOn('onnxruntime', build, 5)];
    const f = await FusedGradients.start(ortModel, 'categoricalCrossentropy', 2);
    if (typeof f === 'string') throw new Error(f);
    const x = data(6 * 4, 2);
    /** Gradients on both backends with `frozen` layers not trainable, by variable name (in the model's order). */
    const both = async (frozen: number[]) => {
      const out: Grads[] = [];
      for (const [backend, m] of [
        ['cpu', cpuModel],
        ['onnxruntime', ortModel],
      ] as const) {
        await tf.setBackend(backend);
        m.layers.forEach((l, i) => (l.trainable = !frozen.includes(i)));
        const batch = { xs: [tf.tensor(x, [6, 4])], ys: [labels('categoricalCrossentropy', 6, [3])] };
        const objective = objectiveOf(m, 'categoricalCrossentropy');
        const g = backend === 'cpu' ? batchGradients(m, batch, objective, 1 / 6) : await f.gradients(m, batch, objective);
        // Keyed by the weight's place in the model (all weights, trainable or not) and the names it has.
        const place = new Map(m.weights.map((w, i) => [(w.read() as tf.Variable).name, i]));
        out.push({ numbers: g.scores, grads: Object.fromEntries(Object.entries(g.grads).map(([k, t]) => [`${place.get(k)}`, t.dataSync() as Float32Array])) });
        tf.dispose([...batch.xs, ...batch.ys, ...Object.values(g.grads)]);
      }
      return out as [Grads, Grads];
    };
    for (const frozen of [[], [0], [0, 1], [2], []]) {
      const [cpu, ort] = await both(frozen);
      expect(Object.keys(ort.grads).sort(), `frozen ${frozen}`).toEqual(Object.keys(cpu.grads).sort());
      expectSame(cpu, ort);
    }
    await f.close();
    cpuModel.dispose();
    ortModel.dispose();
  }, 60_000);
});

describe('labels that do not fit the loss: as on cpu, never broadcast in the graph', () => {
  const model = () => seq(tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' }))();
  const n = 4;
  it.each([
    // Class indices given to a categorical loss: TF.js refuses them; the graph would broadcast the one column.
    ['class indices for categoricalCrossentropy', 'categoricalCrossentropy', () => tf.tensor2d([0, 1, 2, 1], [n, 1])],
    ['one-hot rows of 4 classes for 3 outputs', 'categoricalCrossentropy', () => tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4).toFloat()],
    ['one-hot rows for sparseCategoricalCrossentropy', 'sparseCategoricalCrossentropy', () => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3).toFloat()],
    ['targets of 4 for 3 outputs', 'meanSquaredError', () => tf.ones([n, 4])],
    ['one target broadcast to 3 outputs', 'meanSquaredError', () => tf.tensor2d([0, 1, 2, 1], [n, 1])],
  ] as const)(
    '%s',
    async (_, loss, y) => {
      const outcome = async (backend: string) => {
        const m = await modelOn(backend, model, 5);
        const f = backend === 'onnxruntime' ? await FusedGradients.start(m, loss, 2) : undefined;
        if (typeof f === 'string') throw new Error(f);
        const batch = { xs: [tf.tensor(data(n * 4, 2), [n, 4])], ys: [y()] };
        try {
          const g = f ? await f.gradients(m, batch, objectiveOf(m, loss)) : batchGradients(m, batch, objectiveOf(m, loss), 1 / n);
          return { numbers: g.scores, grads: byPlace(m, g.grads) };
        } catch (e) {
          return (e as Error).message;
        } finally {
          await f?.close();
          m.dispose();
        }
      };
      const [cpu, ort] = [await outcome('cpu'), await outcome('onnxruntime')];
      if (typeof cpu === 'string') expect(ort).toBe(cpu);
      else if (typeof ort === 'string') throw new Error(`fused threw where cpu did not: ${ort}`);
      else expectSame(cpu, ort);
    },
    60_000,
  );
});

describe('penalties in the fused graph = TF.js autodiff on cpu', () => {
  // A user's penalty (TF.js autodiff, added to the graph's gradients) beside the built-ins (in the graph).
  const logCosh = definePenalty({ name: 'fusedlogcosh', fn: (w: tf.Tensor) => tf.log(tf.cosh(w)) });
  it.each([
    'l1:1e-2',
    'l2:1e-2',
    'l1l2:1,l1=1e-2,l2=3e-2',
    'l3:1e-2',
    'l4:1e-2',
    'lp:1e-2,p=3',
    'lp:1e-2,p=1.5',
    'deadzone:1e-2,a=0.1',
    'fusedlogcosh:1e-2',
    'l1:1e-2,prox',
    'deadzone:1e-2,a=0.1,prox',
  ])(
    '%s on kernels and biases: value and gradients',
    async (spec) => {
      expect(logCosh.name).toBe('fusedlogcosh');
      const run = async (backend: string, spec: string) => {
        const base = await modelOn(
          backend,
          () =>
            seq(
              img(6, 6, 2),
              tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
              tf.layers.flatten(),
              tf.layers.dense({ units: 3, activation: 'softmax' }),
            )(),
          5,
        );
        // Some weights exactly 0 (the gradients' edge: sign(0) = 0).
        (base.weights[1]!.read() as tf.Variable).assign(tf.zeros(base.weights[1]!.shape as number[]));
        const model = await attachToKernels(base, { penalty: penalty(spec), penalizeBias: true });
        const [x, y] = [tf.tensor4d(data(2 * 72, 3), [2, 6, 6, 2]), tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat()];
        const f = backend === 'onnxruntime' ? await FusedGradients.start(model, 'categoricalCrossentropy', 2) : undefined;
        if (typeof f === 'string') throw new Error(f);
        const [batch, objective] = [{ xs: [x], ys: [y] }, objectiveOf(model, 'categoricalCrossentropy')];
        const g = f ? await f.gradients(model, batch, objective) : batchGradients(model, batch, objective, 1 / 2);
        const out = { penalty: g.penalty, grads: byPlace(model, g.grads) };
        tf.dispose([x, y, ...Object.values(g.grads)]);
        await f?.close();
        model.dispose();
        base.dispose();
        return out;
      };
      // The penalty's own gradient: with it minus without it (the data gradient is much larger).
      const penaltyPart = async (backend: string) => {
        const [withIt, without] = [await run(backend, spec), await run(backend, 'none')];
        return {
          penalty: withIt.penalty,
          grads: Object.fromEntries(Object.entries(withIt.grads).map(([k, g]) => [k, g.map((v, i) => v - without.grads[k]![i]!)])),
        };
      };
      const [cpu, ort] = [await penaltyPart('cpu'), await penaltyPart('onnxruntime')];
      expect(cpu.penalty).toBeGreaterThan(0);
      expect(relErr([cpu.penalty], [ort.penalty])).toBeLessThan(1e-5);
      expect(Object.keys(ort.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
      // In proximal mode the value counts and the gradient is the step's proximal operator's, not the loss's.
      const largest = (g: Float32Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (spec.endsWith(',prox')) for (const [k, g] of Object.entries(ort.grads)) expect([largest(g), largest(cpu.grads[k]!)], k).toEqual([0, 0]);
      else for (const [k, g] of Object.entries(cpu.grads)) expect(relErr(g, ort.grads[k]!), k).toBeLessThan(1e-3);
    },
    60_000,
  );
});

describe('a TF.js regularizer on a frozen layer, fused = cpu', () => {
  it('counts its value without a gradient (none to take: the layer is not trained), and the model trains', async () => {
    const build = () => {
      const m = seq(
        tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 0.03 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      )();
      m.layers[0]!.trainable = false;
      return m;
    };
    const x = data(6 * 4, 2);
    const run = async (backend: string) => {
      const m = await modelOn(backend, build, 5);
      const [xt, yt] = [tf.tensor(x, [6, 4]), labels('categoricalCrossentropy', 6, [3])];
      const f = backend === 'onnxruntime' ? await FusedGradients.start(m, 'categoricalCrossentropy', 2) : undefined;
      if (typeof f === 'string') throw new Error(`not fused: ${f}`);
      const [batch, objective] = [{ xs: [xt], ys: [yt] }, objectiveOf(m, 'categoricalCrossentropy')];
      const g = f ? await f.gradients(m, batch, objective) : batchGradients(m, batch, objective, 1 / 6);
      if (f) expect(f.sessions, 'the graph ran').toBeGreaterThan(0);
      const out = { penalty: g.penalty, grads: byPlace(m, g.grads), numbers: g.scores };
      tf.dispose(Object.values(g.grads));
      // A training step: the frozen kernel stays, its penalty still counted.
      const opt = optimizerFor(m, optimizerSpec('sgd:lr=0.1').transform);
      const frozen = m.layers[0]!.getWeights()[0]!.dataSync().slice();
      const step = await trainStep(m, opt, xt, yt, f ? { gradients: f } : {});
      expect(Array.from(m.layers[0]!.getWeights()[0]!.dataSync())).toEqual(Array.from(frozen));
      tf.dispose([xt, yt]);
      opt.dispose();
      await f?.close();
      m.dispose();
      return { ...out, stepPenalty: step.penaltyLoss };
    };
    const [cpu, ort] = [await run('cpu'), await run('onnxruntime')];
    expect(cpu.penalty).toBeGreaterThan(0);
    expect(relErr([cpu.penalty], [ort.penalty])).toBeLessThan(1e-5);
    expect(relErr([cpu.stepPenalty], [ort.stepPenalty])).toBeLessThan(1e-5);
    expectSame(cpu, ort);
    expect(Object.keys(ort.grads).sort()).toEqual(['0:kernel', '1:bias']);
  }, 60_000);
});

describe('the reference model', () => {
  const N = 2;
  const xs = Float32Array.from({ length: N * 28 * 28 }, (_, i) => Math.abs(Math.sin(i * 1.37 + 6) * Math.cos(i * 0.11)));
  const onehot = () => tf.oneHot(tf.tensor1d([3, 1], 'int32'), 10).toFloat();

  it('its gradients (with an L1 penalty): fused = cpu', async () => {
    const run = async (backend: string, useFused: boolean, parallel: 'threads' | 'data' = 'threads') => {
      await tf.setBackend(backend);
      const model = await attachToKernels(referenceModel([28, 28, 1], 10, { seed: 7 }), { penalty: penalty('l1:1e-4') });
      const [x, y] = [tf.tensor4d(xs, [N, 28, 28, 1]), onehot()];
      const strategy = useFused ? await FusedGradients.start(model, 'categoricalCrossentropy', 2, parallel) : undefined;
      if (typeof strategy === 'string') throw new Error(strategy);
      const [batch, objective] = [{ xs: [x], ys: [y] }, objectiveOf(model, 'categoricalCrossentropy')];
      const g = strategy ? await strategy.gradients(model, batch, objective) : batchGradients(model, batch, objective, 1 / N);
      const out = { g: Object.values(g.grads).map((t) => Array.from(t.dataSync())), numbers: [...g.scores, g.penalty] };
      tf.dispose([x, y, ...Object.values(g.grads)]);
      await strategy?.close();
      model.dispose();
      return out;
    };
    const cpu = await run('cpu', false);
    for (const parallel of ['threads', 'data'] as const) {
      const ort = await run('onnxruntime', true, parallel);
      expect(ort.g).toHaveLength(10);
      cpu.g.forEach((g, i) => expect(relErr(g, ort.g[i]!), `${parallel}: gradient ${i}`).toBeLessThan(1e-4));
      expect(relErr(cpu.numbers, ort.numbers), parallel).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('one full training step (deadzone penalty, momentum): fused = cpu', async () => {
    const step = async (backend: string, useFused: boolean): Promise<{ r: StepResult; weights: number[][] }> => {
      await tf.setBackend(backend);
      const model = await attachToKernels(referenceModel([28, 28, 1], 10, { seed: 7 }), { penalty: penalty('deadzone:1e-4') });
      const strategy = useFused ? await FusedGradients.start(model, 'categoricalCrossentropy', 2) : undefined;
      if (typeof strategy === 'string') throw new Error(strategy);
      const [x, y] = [tf.tensor4d(xs, [N, 28, 28, 1]), onehot()];
      const r = await trainStep(model, optimizerFor(model, optimizerSpec('momentum:lr=0.01,m=0.9').transform), x, y, strategy ? { gradients: strategy } : {});
      const weights = model.getWeights().map((t) => Array.from(t.dataSync()));
      await strategy?.close();
      tf.dispose([x, y]);
      model.dispose();
      return { r, weights };
    };
    const cpu = await step('cpu', false);
    const ort = await step('onnxruntime', true);
    expect(relErr([cpu.r.dataLoss, cpu.r.penaltyLoss, cpu.r.accuracy], [ort.r.dataLoss, ort.r.penaltyLoss, ort.r.accuracy])).toBeLessThan(1e-4);
    cpu.weights.forEach((w, i) => expect(relErr(w, ort.weights[i]!), `weight ${i}`).toBeLessThan(1e-4));
  }, 120_000);
});

/** A user's layer extending TF.js's Dense (it inherits the class name 'Dense'): twice Dense's output. */
const DenseClass = tf.layers.dense({ units: 1 }).constructor as new (args: Parameters<typeof tf.layers.dense>[0]) => tf.layers.Layer;
class DoubledDense extends DenseClass {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.mul(super.call(inputs, kwargs) as tf.Tensor, 2);
  }
}

describe('what the fused graph cannot express takes the per-kernel path, with the reason', () => {
  const dense = () => tf.layers.dense({ units: 3, activation: 'softmax' });
  it.each([
    [
      'a BatchNormalization layer',
      () => seq(tf.layers.dense({ inputShape: [4], units: 5 }), tf.layers.batchNormalization(), dense())(),
      'categoricalCrossentropy',
      /BatchNormalization/,
    ],
    [
      'a branching model',
      () => {
        const inp = tf.input({ shape: [4] });
        const a = tf.layers.dense({ units: 3 }).apply(inp) as tf.SymbolicTensor;
        const b = tf.layers.dense({ units: 3 }).apply(inp) as tf.SymbolicTensor;
        return tf.model({ inputs: inp, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
      },
      'meanSquaredError',
      /fed by/,
    ],
    [
      'overlapping max-pool windows',
      () => seq(img(6, 6, 1), tf.layers.maxPooling2d({ poolSize: 3, strides: 1 }), tf.layers.flatten(), dense())(),
      'categoricalCrossentropy',
      /overlapping/,
    ],
    [
      // logSoftmax: a TF.js activation (its typings leave it out) the graph does not express.
      'an activation it lacks',
      () => seq(tf.layers.dense({ inputShape: [4], units: 5, activation: 'logSoftmax' as 'relu' }), dense())(),
      'categoricalCrossentropy',
      /activation logSoftmax/,
    ],
    [
      // It inherits Dense's class name: the graph would compute a plain Dense (a wrong loss and gradients).
      'a class of yours extending Dense, with a call() of its own',
      () => seq(new DoubledDense({ inputShape: [4], units: 5, activation: 'tanh' }), dense())(),
      'categoricalCrossentropy',
      /DoubledDense, a class of yours extending TF\.js's Dense/,
    ],
    [
      'a ZeroPadding2D on channels-first images',
      () => seq(img(2, 3, 3), tf.layers.zeroPadding2d({ padding: 1, dataFormat: 'channelsFirst' }), tf.layers.flatten(), dense())(),
      'categoricalCrossentropy',
      /ZeroPadding2D with data format channelsFirst/,
    ],
    [
      'a bilinear UpSampling2D',
      () => seq(img(2, 3, 3), tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }), tf.layers.flatten(), dense())(),
      'categoricalCrossentropy',
      /UpSampling2D with bilinear interpolation/,
    ],
    [
      'a Cropping2D on channels-first images',
      () => seq(img(2, 4, 4), tf.layers.cropping2D({ cropping: 1, dataFormat: 'channelsFirst' }), tf.layers.flatten(), dense())(),
      'categoricalCrossentropy',
      /Cropping2D with data format channelsFirst/,
    ],
    [
      'a GlobalAveragePooling2D on channels-first images',
      () => seq(img(2, 3, 3), tf.layers.globalAveragePooling2d({ dataFormat: 'channelsFirst' }), dense())(),
      'categoricalCrossentropy',
      /GlobalAveragePooling2D with data format channelsFirst/,
    ],
    [
      'a GlobalMaxPooling2D on channels-first images',
      () => seq(img(2, 3, 3), tf.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' }), dense())(),
      'categoricalCrossentropy',
      /GlobalMaxPooling2D with data format channelsFirst/,
    ],
    [
      'a Softmax layer over two axes',
      () =>
        seq(
          tf.layers.dense({ inputShape: [4], units: 6 }),
          tf.layers.reshape({ targetShape: [2, 3] }),
          tf.layers.softmax({ axis: [1, 2] }),
          tf.layers.flatten(),
          dense(),
        )(),
      'categoricalCrossentropy',
      /Softmax over axes \[1,2\]/,
    ],
    [
      'a loss given as a function',
      () => seq(tf.layers.dense({ inputShape: [4], units: 3 }))(),
      ((a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b)))) as never,
      /loss is a function/,
    ],
  ] as const)(
    '%s',
    async (_, build, loss, why) => {
      await tf.setBackend('onnxruntime');
      const model = build();
      const reason = await FusedGradients.start(model, loss);
      expect(reason).toMatch(why);
      const chosen = await gradientsFor(model, { name: 'onnxruntime', threads: 2, parallel: 'data', workers: 0 }, loss);
      expect(chosen.path).toBe('per-kernel');
      expect(chosen.why).toBe(reason);
      // It trains all the same.
      const opt = optimizerFor(model, optimizerSpec('sgd:lr=0.1').transform);
      const inShape = model.inputs[0]!.shape.slice(1) as number[];
      const x = tf.tensor(data(2 * inShape.reduce((a, b) => a * b, 1), 1), [2, ...inShape]);
      const y = tf.tensor(data(2 * 3, 2, 0.5).map(Math.abs), [2, 3]);
      const r = await trainStep(model, opt, x, y, { loss, gradients: chosen.gradients });
      expect(Number.isFinite(r.dataLoss)).toBe(true);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    },
    60_000,
  );
});
