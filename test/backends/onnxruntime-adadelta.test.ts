/**
 * Adadelta's step as one kernel on the onnxruntime backend (PenxAdadelta, kernels/adadelta.ts)
 * gives bit for bit what the composed TF.js ops give:
 *
 * - on random tensors (small, and large enough to be cut), against the composed ops on the cpu
 *   backend and on onnxruntime, and within float32 rounding of the closed form in float64;
 * - cut across helpers (split-loops.ts) = on one thread; arrays not shared stay on this thread;
 * - data-parallel fused training of the reference model: the weights and the optimiser's state
 *   after 6 steps equal those with the kernel unregistered (the composed ops), and the kernel ran;
 * - an optimiser saved after 3 steps (getWeights) and restored into a new one (setWeights) ends
 *   6 steps where an uninterrupted one does.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import { ORT_BACKEND } from '../../src/backends/choices.ts';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { registerAdadelta } from '../../src/backends/onnxruntime/kernels/adadelta.ts';
import { adadeltaLoop } from '../../src/backends/onnxruntime/kernels/loops/adadelta-loop.ts';
import {
  type LoopHelper,
  type LoopTask,
  MIN_SPLIT_ELEMENTS,
  runTask,
  setLoopHelpers,
  splitAdadelta,
} from '../../src/backends/onnxruntime/kernels/loops/split-loops.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { attachToKernels, fit, penalty, type Tensor, tf } from '../../src/index.ts';
import { ADADELTA_KERNEL, adadeltaComposed, adadeltaStep, optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { trainStep } from '../../src/training/index.ts';

const RHO = 0.95;
const EPS = 1e-7;

/** n values with signs, a spread of magnitudes and some zeros; `positive`: |value| (an average of squares). */
function values(n: number, seed: number, positive = false): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const v = i % 101 === 7 ? 0 : ((s / 2 ** 31) * 2 - 1) * 10 ** ((i % 9) - 6);
    return positive ? Math.abs(v) : v;
  });
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
/** Elements whose bits differ, and the first such index (a cheap message, not a diff of 100 000 numbers). */
function differ(a: Float32Array, b: Float32Array): { count: number; first: number; size: number } {
  const [x, y] = [bits(a), bits(b)];
  let count = 0;
  let first = -1;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    count++;
    if (first < 0) first = i;
  }
  return { count, first, size: b.length - a.length };
}
const same = { count: 0, first: -1, size: 0 };
const shared = (a: Float32Array) => {
  const s = new Float32Array(new SharedArrayBuffer(a.length * 4));
  s.set(a);
  return s;
};

/** The step's [u, a', d'] by the backend `name` (with `step`: adadeltaStep or the composed ops). */
async function stepOn(name: string, step: typeof adadeltaStep, g: Float32Array, a: Float32Array, d: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => step(tf.tensor1d(g), tf.tensor1d(a), tf.tensor1d(d), RHO, EPS).map((t) => t.dataSync() as Float32Array));
}

/** Wrap the registered PenxAdadelta so its calls are counted. */
function countCalls(): { calls: number } {
  const count = { calls: 0 };
  const kernel = tf.getKernel(ADADELTA_KERNEL, ORT_BACKEND)!;
  tf.unregisterKernel(ADADELTA_KERNEL, ORT_BACKEND);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      count.calls++;
      return kernel.kernelFunc(args);
    },
  });
  return count;
}

/** A helper on this thread: runs its tasks when waited for. */
class InThread implements LoopHelper {
  readonly tasks: LoopTask[] = [];
  ready(): boolean {
    return true;
  }
  start(task: LoopTask): void {
    this.tasks.push(task);
  }
  finish(): void {
    this.tasks.forEach(runTask);
  }
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 1 });
});

afterEach(async () => {
  setLoopHelpers([]);
  registerAdadelta(ORT_BACKEND);
  await tf.setBackend(ORT_BACKEND);
});

describe('PenxAdadelta = the composed ops, bit for bit', () => {
  it.each([7, 1000, MIN_SPLIT_ELEMENTS + 3])('%i elements: against cpu and onnxruntime ops, and the closed form', async (n) => {
    const [g, a, d] = [values(n, 1), values(n, 2, true), values(n, 3, true)];
    expect(tf.getKernel(ADADELTA_KERNEL, ORT_BACKEND)).toBeDefined();
    const fused = await stepOn(ORT_BACKEND, adadeltaStep, g, a, d);
    const opsOrt = await stepOn(ORT_BACKEND, adadeltaComposed, g, a, d);
    const opsCpu = await stepOn('cpu', adadeltaComposed, g, a, d);
    fused.forEach((f, i) => {
      expect(differ(f, opsCpu[i]!), `output ${i} vs cpu ops`).toEqual(same);
      expect(differ(f, opsOrt[i]!), `output ${i} vs onnxruntime ops`).toEqual(same);
    });
    // The closed form in float64 (each result within a few float32 roundings).
    const [u, a1, d1] = fused as [Float32Array, Float32Array, Float32Array];
    for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 500))) {
      const ea = RHO * a[i]! + (1 - RHO) * g[i]! ** 2;
      const eu = (g[i]! * Math.sqrt(d[i]! + EPS)) / Math.sqrt(ea + EPS);
      const ed = RHO * d[i]! + (1 - RHO) * eu ** 2;
      for (const [got, want, name] of [
        [a1[i]!, ea, 'a'],
        [u[i]!, eu, 'u'],
        [d1[i]!, ed, 'd'],
      ] as const) {
        expect(Math.abs(got - want), `${name}[${i}] = ${got}, closed form ${want}`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-30);
      }
    }
    // A step from zero state: u = g·√ε/√((1−ρ)g² + ε).
    const [u0] = await stepOn(ORT_BACKEND, adadeltaStep, Float32Array.of(3), Float32Array.of(0), Float32Array.of(0));
    expect(u0![0]).toBeCloseTo((3 * Math.sqrt(EPS)) / Math.sqrt(0.05 * 9 + EPS), 9);
  });

  it('cut across helpers = one thread; arrays that are not shared stay here', () => {
    const n = MIN_SPLIT_ELEMENTS * 2 + 5;
    const [g, a, d] = [values(n, 4), values(n, 5, true), values(n, 6, true)];
    const one = { g, a, d, u: new Float32Array(n), aOut: new Float32Array(n), dOut: new Float32Array(n) };
    adadeltaLoop(one, { rho: RHO, eps: EPS }, 0, n);
    const helpers = [new InThread(), new InThread()];
    setLoopHelpers(helpers);
    const cut = {
      g: shared(g),
      a: shared(a),
      d: shared(d),
      u: shared(new Float32Array(n)),
      aOut: shared(new Float32Array(n)),
      dOut: shared(new Float32Array(n)),
    };
    splitAdadelta(cut, { rho: RHO, eps: EPS });
    expect(helpers.map((h) => h.tasks.length)).toEqual([1, 1]);
    const ranges = [[0, helpers[0]!.tasks[0]!.from], ...helpers.map((h) => [h.tasks[0]!.from, h.tasks[0]!.to])];
    expect(ranges.flat()).toEqual([0, Math.round(n / 3), Math.round(n / 3), Math.round((2 * n) / 3), Math.round((2 * n) / 3), n]);
    expect(differ(cut.u, one.u)).toEqual(same);
    expect(differ(cut.aOut, one.aOut)).toEqual(same);
    expect(differ(cut.dOut, one.dOut)).toEqual(same);
    // The gradient not shared: the whole loop here.
    const here = [new InThread()];
    setLoopHelpers(here);
    splitAdadelta({ ...cut, g }, { rho: RHO, eps: EPS });
    expect(here[0]!.tasks).toHaveLength(0);
    expect(differ(cut.u, one.u)).toEqual(same);
  });

  it('a backend without the kernel runs the composed ops', async () => {
    const [g, a, d] = [values(50, 7), values(50, 8, true), values(50, 9, true)];
    const before = await stepOn(ORT_BACKEND, adadeltaStep, g, a, d);
    const counted = countCalls();
    await stepOn(ORT_BACKEND, adadeltaStep, g, a, d);
    expect(counted.calls).toBe(1);
    tf.unregisterKernel(ADADELTA_KERNEL, ORT_BACKEND);
    const composed = await stepOn(ORT_BACKEND, adadeltaStep, g, a, d);
    expect(counted.calls).toBe(1);
    composed.forEach((c, i) => expect(differ(c, before[i]!)).toEqual(same));
  });
});

describe('training with PenxAdadelta', () => {
  it('data-parallel fused steps: weights and state after 6 steps = with the composed ops', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'data' });
    const count = 6 * 32;
    const x = tf.randomUniform([count, 28, 28, 1], 0, 1, 'float32', 11);
    const y = tf.oneHot(tf.randomUniform([count], 0, 10, 'int32', 12), 10).toFloat();
    let counted = { calls: 0 };
    const train = async (fusedKernel: boolean) => {
      registerAdadelta(ORT_BACKEND);
      if (fusedKernel) counted = countCalls();
      else tf.unregisterKernel(ADADELTA_KERNEL, ORT_BACKEND);
      const model = await attachToKernels(referenceModel([28, 28, 1], 10, { seed: 42 }), { penalty: penalty('l1:1e-4') });
      const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2, 'data');
      if (typeof fused === 'string') throw new Error(fused);
      const optimizer = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
      await fit(model, { x, y }, { epochs: 1, batchSize: 32, optimizer, gradients: fused, seed: 5 });
      const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
      const state = (await optimizer.getWeights()).map((w) => w.tensor.dataSync() as Float32Array);
      await fused.close();
      optimizer.dispose();
      model.dispose();
      return [...weights, ...state];
    };
    const composed = await train(false);
    const kernel = await train(true);
    // Every trained weight (10) once a step.
    expect(counted.calls).toBe(6 * 10);
    expect(kernel).toHaveLength(composed.length);
    kernel.forEach((w, i) => expect(differ(w, composed[i]!), `array ${i}`).toEqual(same));
    tf.dispose([x, y]);
  }, 180_000);

  it('an optimiser restored from getWeights after 3 steps ends where an uninterrupted one does', async () => {
    await tf.setBackend(ORT_BACKEND);
    const x = tf.randomUniform([6, 16, 40], -1, 1, 'float32', 3);
    const y = tf.oneHot(tf.randomUniform([6, 16], 0, 4, 'int32', 4), 4).toFloat();
    const model = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [40], units: 4000, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
    const steps = async (m: tf.LayersModel, opt: tf.Optimizer, from: number, to: number) => {
      for (let i = from; i < to; i++) await trainStep(m, opt, tf.gather(x, i) as Tensor, tf.gather(y, i) as Tensor);
    };
    const spec = () => optimizerSpec('adadelta:lr=1,rho=0.95').transform;
    const whole = model();
    const o1 = optimizerFor(whole, spec());
    await steps(whole, o1, 0, 6);
    const parted = model();
    const o2 = optimizerFor(parted, spec());
    await steps(parted, o2, 0, 3);
    const saved = (await o2.getWeights()).map((w) => ({ name: w.name, tensor: tf.tensor(w.tensor.dataSync(), w.tensor.shape) }));
    o2.dispose();
    const o3 = optimizerFor(parted, spec());
    await o3.setWeights(saved);
    await steps(parted, o3, 3, 6);
    // dense's kernel has 160 000 weights: the kernel's loop (cut when helpers exist) on every one.
    whole.getWeights().forEach((w, i) => expect(differ(w.dataSync() as Float32Array, parted.getWeights()[i]!.dataSync() as Float32Array)).toEqual(same));
    const [s1, s3] = [await o1.getWeights(), await o3.getWeights()];
    s1.forEach((w, i) => expect(differ(w.tensor.dataSync() as Float32Array, s3[i]!.tensor.dataSync() as Float32Array)).toEqual(same));
    tf.dispose([x, y]);
  }, 60_000);
});
