/**
 * RMSprop's step as one kernel on the onnxruntime backend (PenxRms, kernels/update-steps.ts) gives
 * bit for bit what the composed TF.js ops give: on random tensors (small, and large enough to be
 * cut) against the composed ops on the cpu backend and on onnxruntime and within float32 rounding
 * of the closed form; cut across helpers = on one thread; and six data-parallel fused steps of the
 * reference model with RMSprop end where they end with the kernel unregistered.
 */
import { describe, expect, it } from 'vitest';
import { ORT_BACKEND } from '../../src/backends/choices.ts';
import { rmsLoop } from '../../src/backends/onnxruntime/kernels/loops/rms-loop.ts';
import { MIN_SPLIT_ELEMENTS, setLoopHelpers, splitStep } from '../../src/backends/onnxruntime/kernels/loops/split-loops.ts';
import { tf } from '../../src/index.ts';
import { RMS_KERNEL, rmsComposed, rmsStep } from '../../src/optim/index.ts';
import { differ, InThread, same, shared, sixFusedSteps, stepKernelHooks, values } from '../fixtures/update-steps.ts';

const [RHO, EPS] = [0.9, 1e-7];

/** The step's [u, a'] by the backend `name` (with `step`: rmsStep or the composed ops). */
async function stepOn(name: string, step: typeof rmsStep, g: Float32Array, a: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => step(tf.tensor1d(g), tf.tensor1d(a), RHO, EPS).map((t) => t.dataSync() as Float32Array));
}

stepKernelHooks();

describe('PenxRms = the composed ops, bit for bit', () => {
  it.each([7, 1000, MIN_SPLIT_ELEMENTS + 3])('%i elements: against cpu and onnxruntime ops, and the closed form', async (n) => {
    const [g, a] = [values(n, 1), values(n, 2, true)];
    expect(tf.getKernel(RMS_KERNEL, ORT_BACKEND)).toBeDefined();
    const fused = await stepOn(ORT_BACKEND, rmsStep, g, a);
    const opsOrt = await stepOn(ORT_BACKEND, rmsComposed, g, a);
    const opsCpu = await stepOn('cpu', rmsComposed, g, a);
    fused.forEach((f, i) => {
      expect(differ(f, opsCpu[i]!), `output ${i} vs cpu ops`).toEqual(same);
      expect(differ(f, opsOrt[i]!), `output ${i} vs onnxruntime ops`).toEqual(same);
    });
    const [u, a1] = fused as [Float32Array, Float32Array];
    for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 500))) {
      const ea = RHO * a[i]! + (1 - RHO) * g[i]! ** 2;
      const eu = g[i]! / Math.sqrt(ea + EPS);
      expect(Math.abs(a1[i]! - ea), `a[${i}]`).toBeLessThanOrEqual(1e-6 * ea + 1e-30);
      expect(Math.abs(u[i]! - eu), `u[${i}]`).toBeLessThanOrEqual(1e-6 * Math.abs(eu) + 1e-30);
    }
  });

  it('cut across helpers = one thread', () => {
    const n = MIN_SPLIT_ELEMENTS * 2 + 5;
    const [g, a] = [values(n, 4), values(n, 5, true)];
    const constants = { rho: RHO, eps: EPS };
    const one = { g, a, u: new Float32Array(n), aOut: new Float32Array(n) };
    rmsLoop(one, constants, 0, n);
    const helpers = [new InThread(), new InThread()];
    setLoopHelpers(helpers);
    const cut = { g: shared(g), a: shared(a), u: shared(new Float32Array(n)), aOut: shared(new Float32Array(n)) };
    splitStep({ kind: 'rms', arrays: cut, constants, out: cut.u, from: 0, to: n });
    expect(helpers.map((h) => h.tasks.length)).toEqual([1, 1]);
    expect(differ(cut.u, one.u)).toEqual(same);
    expect(differ(cut.aOut, one.aOut)).toEqual(same);
  });
});

describe('training with PenxRms', () => {
  it('data-parallel fused steps: weights and state after 6 steps = with the composed ops', async () => {
    const composed = await sixFusedSteps('rmsprop:lr=0.001', RMS_KERNEL, false);
    const kernel = await sixFusedSteps('rmsprop:lr=0.001', RMS_KERNEL, true);
    expect(kernel.calls).toBe(6 * 10);
    expect(kernel.arrays).toHaveLength(composed.arrays.length);
    kernel.arrays.forEach((w, i) => expect(differ(w, composed.arrays[i]!), `array ${i}`).toEqual(same));
  }, 180_000);
});
