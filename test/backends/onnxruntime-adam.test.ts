/**
 * Adam's step as one kernel on the onnxruntime backend (PenxAdam, kernels/update-steps.ts) gives
 * bit for bit what the composed TF.js ops give:
 *
 * - on random tensors (small, and large enough to be cut) at steps 1, 2 and 1000 (the bias
 *   corrections as TF.js computes them), against the composed ops on the cpu backend and on
 *   onnxruntime, and within float32 rounding of the closed form in float64;
 * - cut across helpers (split-loops.ts) = on one thread; arrays not shared stay on this thread;
 * - data-parallel fused training of the reference model with Adam and with AdamW: the weights and
 *   the optimiser's state after 6 steps equal those with the kernel unregistered, and it ran.
 */
import { describe, expect, it } from 'vitest';
import { ORT_BACKEND } from '../../src/backends/choices.ts';
import { adamLoop } from '../../src/backends/onnxruntime/kernels/loops/adam-loop.ts';
import { MIN_SPLIT_ELEMENTS, setLoopHelpers, splitStep } from '../../src/backends/onnxruntime/kernels/loops/split-loops.ts';
import { tf } from '../../src/index.ts';
import { ADAM_KERNEL, adamComposed, adamStep } from '../../src/optim/index.ts';
import { countCalls, differ, InThread, same, shared, sixFusedSteps, stepKernelHooks, values } from '../fixtures/update-steps.ts';

const [B1, B2, EPS] = [0.9, 0.999, 1e-7];

/** The bias corrections after `count` steps as scaleByAdam computes them: [1 − β₁ᵗ, 1 − β₂ᵗ] (float32 scalars). */
const corrections = (count: number) => [B1, B2].map((b) => tf.sub(1, tf.pow(b, tf.scalar(count))));

/** The step's [u, m', v'] by the backend `name` (with `step`: adamStep or the composed ops) at step `count`. */
async function stepOn(name: string, step: typeof adamStep, count: number, g: Float32Array, m: Float32Array, v: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => {
    const [c1, c2] = corrections(count) as [tf.Tensor, tf.Tensor];
    return step(tf.tensor1d(g), tf.tensor1d(m), tf.tensor1d(v), { c1, c2, b1: B1, b2: B2, eps: EPS }).map((t) => t.dataSync() as Float32Array);
  });
}

stepKernelHooks();

describe('PenxAdam = the composed ops, bit for bit', () => {
  it.each([
    [7, 1],
    [1000, 2],
    [MIN_SPLIT_ELEMENTS + 3, 1000],
  ])('%i elements at step %i: against cpu and onnxruntime ops, and the closed form', async (n, count) => {
    const [g, m, v] = [values(n, 1), values(n, 2), values(n, 3, true)];
    expect(tf.getKernel(ADAM_KERNEL, ORT_BACKEND)).toBeDefined();
    const fused = await stepOn(ORT_BACKEND, adamStep, count, g, m, v);
    const opsOrt = await stepOn(ORT_BACKEND, adamComposed, count, g, m, v);
    const opsCpu = await stepOn('cpu', adamComposed, count, g, m, v);
    fused.forEach((f, i) => {
      expect(differ(f, opsCpu[i]!), `output ${i} vs cpu ops`).toEqual(same);
      expect(differ(f, opsOrt[i]!), `output ${i} vs onnxruntime ops`).toEqual(same);
    });
    const [u, m1, v1] = fused as [Float32Array, Float32Array, Float32Array];
    // The bias corrections as TF.js holds them (float32: 1 − 0.999 is 0.00099998713 there).
    const [c1, c2] = tf.tidy(() => corrections(count).map((c) => c.dataSync()[0]!)) as [number, number];
    for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 500))) {
      const em = B1 * m[i]! + (1 - B1) * g[i]!;
      const ev = B2 * v[i]! + (1 - B2) * g[i]! ** 2;
      const eu = em / c1 / (Math.sqrt(ev / c2) + EPS);
      // Within float32 rounding of the terms' magnitudes (m's two terms may nearly cancel).
      const scale = B1 * Math.abs(m[i]!) + (1 - B1) * Math.abs(g[i]!);
      for (const [got, want, size, name] of [
        [m1[i]!, em, scale, 'm'],
        [v1[i]!, ev, ev, 'v'],
        [u[i]!, eu, scale / c1 / (Math.sqrt(ev / c2) + EPS), 'u'],
      ] as const) {
        expect(Math.abs(got - want), `${name}[${i}] = ${got}, closed form ${want}`).toBeLessThanOrEqual(1e-6 * size + 1e-30);
      }
    }
  });

  it('cut across helpers = one thread; arrays that are not shared stay here', () => {
    const n = MIN_SPLIT_ELEMENTS * 2 + 5;
    const [g, m, v] = [values(n, 4), values(n, 5), values(n, 6, true)];
    const constants = { b1: B1, b2: B2, eps: EPS, c1: Math.fround(0.1), c2: Math.fround(0.001) };
    const one = { g, m, v, u: new Float32Array(n), mOut: new Float32Array(n), vOut: new Float32Array(n) };
    adamLoop(one, constants, 0, n);
    const helpers = [new InThread(), new InThread()];
    setLoopHelpers(helpers);
    const cut = {
      g: shared(g),
      m: shared(m),
      v: shared(v),
      u: shared(new Float32Array(n)),
      mOut: shared(new Float32Array(n)),
      vOut: shared(new Float32Array(n)),
    };
    splitStep({ kind: 'adam', arrays: cut, constants, out: cut.u, from: 0, to: n });
    expect(helpers.map((h) => h.tasks.length)).toEqual([1, 1]);
    for (const k of ['u', 'mOut', 'vOut'] as const) expect(differ(cut[k], one[k]), k).toEqual(same);
    const here = [new InThread()];
    setLoopHelpers(here);
    splitStep({ kind: 'adam', arrays: { ...cut, g }, constants, out: cut.u, from: 0, to: n });
    expect(here[0]!.tasks).toHaveLength(0);
    expect(differ(cut.u, one.u)).toEqual(same);
  });

  it('a backend without the kernel, or bias corrections that are not float32 scalars: the composed ops', async () => {
    const [g, m, v] = [values(50, 7), values(50, 8), values(50, 9, true)];
    const counted = countCalls(ADAM_KERNEL);
    const before = await stepOn(ORT_BACKEND, adamStep, 3, g, m, v);
    expect(counted.calls).toBe(1);
    tf.tidy(() => adamStep(tf.tensor1d(g), tf.tensor1d(m), tf.tensor1d(v), { c1: tf.tensor1d([0.1]), c2: tf.scalar(0.01), b1: B1, b2: B2, eps: EPS }));
    expect(counted.calls).toBe(1);
    tf.unregisterKernel(ADAM_KERNEL, ORT_BACKEND);
    const composed = await stepOn(ORT_BACKEND, adamStep, 3, g, m, v);
    expect(counted.calls).toBe(1);
    composed.forEach((c, i) => expect(differ(c, before[i]!)).toEqual(same));
  });
});

describe('training with PenxAdam', () => {
  it.each(['adam:lr=0.001', 'adamw:lr=0.001,wd=0.01'])(
    '%s, data-parallel fused steps: weights and state after 6 steps = with the composed ops',
    async (spec) => {
      const composed = await sixFusedSteps(spec, ADAM_KERNEL, false);
      const kernel = await sixFusedSteps(spec, ADAM_KERNEL, true);
      // Every trained weight (10) once a step.
      expect(kernel.calls).toBe(6 * 10);
      expect(kernel.arrays).toHaveLength(composed.arrays.length);
      kernel.arrays.forEach((w, i) => expect(differ(w, composed.arrays[i]!), `array ${i}`).toEqual(same));
    },
    180_000,
  );
});
