/**
 * Adadelta's step as one kernel on the onnxruntime backend (PenxAdadelta, kernels/update-steps.ts)
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
import { describe, expect, it } from 'vitest';
import { ORT_BACKEND } from '../../src/backends/choices.ts';
import { adadeltaLoop } from '../../src/backends/onnxruntime/kernels/loops/adadelta-loop.ts';
import { MIN_SPLIT_ELEMENTS, setLoopHelpers, splitStep } from '../../src/backends/onnxruntime/kernels/loops/split-loops.ts';
import { type Tensor, tf } from '../../src/index.ts';
import { ADADELTA_KERNEL, adadeltaComposed, adadeltaStep, optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { trainStep } from '../../src/training/index.ts';
import { countCalls, differ, InThread, same, shared, sixFusedSteps, stepKernelHooks, values } from '../fixtures/update-steps.ts';

const RHO = 0.95;
const EPS = 1e-7;

/** The step's [u, a', d'] by the backend `name` (with `step`: adadeltaStep or the composed ops). */
async function stepOn(name: string, step: typeof adadeltaStep, g: Float32Array, a: Float32Array, d: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => step(tf.tensor1d(g), tf.tensor1d(a), tf.tensor1d(d), RHO, EPS).map((t) => t.dataSync() as Float32Array));
}

stepKernelHooks();

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
    splitStep({ kind: 'adadelta', arrays: cut, constants: { rho: RHO, eps: EPS }, out: cut.u, from: 0, to: n });
    expect(helpers.map((h) => h.tasks.length)).toEqual([1, 1]);
    const ranges = [[0, helpers[0]!.tasks[0]!.from], ...helpers.map((h) => [h.tasks[0]!.from, h.tasks[0]!.to])];
    expect(ranges.flat()).toEqual([0, Math.round(n / 3), Math.round(n / 3), Math.round((2 * n) / 3), Math.round((2 * n) / 3), n]);
    expect(differ(cut.u, one.u)).toEqual(same);
    expect(differ(cut.aOut, one.aOut)).toEqual(same);
    expect(differ(cut.dOut, one.dOut)).toEqual(same);
    // The gradient not shared: the whole loop here.
    const here = [new InThread()];
    setLoopHelpers(here);
    splitStep({ kind: 'adadelta', arrays: { ...cut, g }, constants: { rho: RHO, eps: EPS }, out: cut.u, from: 0, to: n });
    expect(here[0]!.tasks).toHaveLength(0);
    expect(differ(cut.u, one.u)).toEqual(same);
  });

  it('a backend without the kernel runs the composed ops', async () => {
    const [g, a, d] = [values(50, 7), values(50, 8, true), values(50, 9, true)];
    const before = await stepOn(ORT_BACKEND, adadeltaStep, g, a, d);
    const counted = countCalls(ADADELTA_KERNEL);
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
    const composed = await sixFusedSteps('adadelta:lr=1,rho=0.95', ADADELTA_KERNEL, false);
    const kernel = await sixFusedSteps('adadelta:lr=1,rho=0.95', ADADELTA_KERNEL, true);
    // Every trained weight (10) once a step.
    expect(kernel.calls).toBe(6 * 10);
    expect(kernel.arrays).toHaveLength(composed.arrays.length);
    kernel.arrays.forEach((w, i) => expect(differ(w, composed.arrays[i]!), `array ${i}`).toEqual(same));
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
