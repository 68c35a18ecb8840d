/**
 * Training on the onnxruntime backend gives what the cpu backend gives: one full step of the
 * reference model (penalty, constraint, optimiser) from the same weights, on this thread and
 * data-parallel (this thread + a worker thread running its own onnxruntime backend).
 *
 * The step uses SGD with momentum. Adadelta's first step (the reference optimiser) maps every
 * gradient g to about g·√ε/√((1−ρ)g² + ε): large gradients to ±1.4e-3, small ones through
 * unchanged, so a zero-initialised bias after it carries float rounding of the gradients
 * ~100× magnified relative to its own size (measured 6e-4 on dense_1's bias, from gradients
 * that agree to 5e-6) — a property of that step, not of the kernels. The gradients themselves
 * are compared too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { attachToKernels, constraint, optimizerFor, optimizerSpec, penalty, type StepResult, tf, trainStep } from '../../src/index.ts';
import { ShardedGradients } from '../../src/parallel/sharded.ts';
import { batchGradients } from '../../src/training/batch-math.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { relErr } from '../fixtures/parity.ts';

const N = 2;
const xs = Float32Array.from({ length: N * 28 * 28 }, (_, i) => Math.abs(Math.sin(i * 1.37 + 6) * Math.cos(i * 0.11)));
const labels = [3, 1];

async function step(backend: string, workers: number): Promise<{ r: StepResult; weights: number[][] }> {
  await tf.setBackend(backend);
  const bare = await referenceModel([28, 28, 1], 10, { seed: 7 });
  const model = await attachToKernels(bare, { penalty: penalty('deadzone:1e-4'), constraint: constraint('maxnorm:m=3,axis=-1') });
  const sharded = workers > 0 ? await ShardedGradients.start(model, workers) : undefined;
  const [x, y] = [tf.tensor4d(xs, [N, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
  const r = await trainStep(model, optimizerFor(model, optimizerSpec('momentum:lr=0.01,m=0.9').transform), x, y, sharded ? { gradients: sharded } : {});
  const weights = model.getWeights().map((t) => Array.from(t.dataSync()));
  await sharded?.close();
  tf.dispose([x, y]);
  model.dispose();
  bare.dispose();
  return { r, weights };
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 2 });
});

describe('the gradients of the reference model on onnxruntime = on cpu', () => {
  it('every weight, from a batch of 2 (loss, penalty and accuracy alike)', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const model = await attachToKernels(await referenceModel([28, 28, 1], 10, { seed: 7 }), { penalty: penalty('l1:1e-4') });
      const [x, y] = [tf.tensor4d(xs, [N, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
      const g = batchGradients(model, { xs: [x], ys: [y] }, objectiveOf(model), 1 / N);
      const out = { g: Object.values(g.grads).map((t) => Array.from(t.dataSync())), numbers: [...g.scores, g.penalty] };
      tf.dispose([x, y, ...Object.values(g.grads)]);
      model.dispose();
      return out;
    };
    const cpu = await grads('cpu');
    const ort = await grads('onnxruntime');
    expect(cpu.g).toHaveLength(10);
    cpu.g.forEach((g, i) => expect(relErr(g, ort.g[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    expect(relErr(cpu.numbers, ort.numbers)).toBeLessThan(1e-4);
  }, 60_000);
});

describe('one training step of the reference model on onnxruntime = on cpu', () => {
  let cpu: { r: StepResult; weights: number[][] };
  beforeAll(async () => {
    cpu = await step('cpu', 0);
  }, 60_000);

  it.each([
    ['on this thread', 0],
    ['data-parallel, this thread + 1 worker', 1],
  ])(
    '%s',
    async (_, workers) => {
      const ort = await step('onnxruntime', workers);
      expect(relErr([cpu.r.dataLoss, cpu.r.penaltyLoss, cpu.r.accuracy], [ort.r.dataLoss, ort.r.penaltyLoss, ort.r.accuracy])).toBeLessThan(1e-4);
      expect(cpu.weights).toHaveLength(10);
      cpu.weights.forEach((w, i) => expect(relErr(w, ort.weights[i]!), `weight ${i}`).toBeLessThan(1e-4));
    },
    60_000,
  );
});
