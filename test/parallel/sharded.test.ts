import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { referenceModel } from '../../mnist-demo/model.ts';
import {
  attachToKernels,
  constraint,
  type LossName,
  objectiveOf,
  optimizerFor,
  optimizerSpec,
  penalty,
  ShardedGradients,
  selectBackend,
  shardsOf,
  tf,
  trainStep,
  UnshardableError,
  UsageError,
} from '../../src/node.ts';
import type { GradientStrategy } from '../../src/training/gradients.ts';
import { relErr } from '../fixtures/parity.ts';
import { expectShardsMatchOneThread, pretrained, useShardWorkers } from '../fixtures/sharded.ts';

const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11)));

describe('shardsOf', () => {
  it.each([
    [128, 2, [64, 64]],
    [96, 3, [32, 32, 32]],
    [7, 2, [4, 3]],
    [1, 3, [1]],
  ])('%i samples in %i shards', (n, parts, sizes) => {
    const shards = shardsOf(n, parts);
    expect(shards.map((s) => s.end - s.start).sort((a, b) => b - a)).toEqual(sizes);
    expect(shards[0]!.start).toBe(0);
    expect(shards.at(-1)!.end).toBe(n);
    shards.slice(1).forEach((s, i) => expect(s.start).toBe(shards[i]!.end));
  });
});

describe('sharded gradients on wasm (main thread + 1 worker thread)', () => {
  let sharded: ShardedGradients;
  const n = 6;
  const xs = data(n * 28 * 28, 1);
  const labels = [3, 1, 4, 1, 5, 9];
  const batch = () => [tf.tensor4d(xs, [n, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)] as const;
  const model = async () => {
    const built = referenceModel([28, 28, 1], 10, { seed: 11 });
    const m = await attachToKernels(built, { penalty: penalty('l2:1e-3'), constraint: constraint('maxnorm:m=1.5,axis=-1') });
    built.dispose();
    return m;
  };

  beforeAll(async () => {
    await selectBackend('wasm', { threads: 2 });
    const m = await model();
    sharded = await ShardedGradients.start(m, 1);
    m.dispose();
  }, 60_000);
  afterAll(async () => sharded?.close());

  it('two steps equal the one-thread step from the same weights (weights, loss, accuracy, projections)', async () => {
    const one = await model();
    const two = await model();
    const optOne = optimizerFor(one, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const optTwo = optimizerFor(two, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const [x, y] = batch();
    for (let step = 0; step < 2; step++) {
      const a = await trainStep(one, optOne, x, y, { measureConstraints: true });
      const b = await trainStep(two, optTwo, x, y, { gradients: sharded, measureConstraints: true });
      expect(b.dataLoss).toBeCloseTo(a.dataLoss, 4);
      expect(b.penaltyLoss).toBeCloseTo(a.penaltyLoss, 5);
      expect(b.accuracy).toBeCloseTo(a.accuracy, 6);
      expect(Object.keys(b.projected)).toEqual(Object.keys(a.projected));
      expect(Object.keys(a.projected)).toContain('conv2d_2/kernel');
    }
    const wa = one.getWeights().map((w) => w.dataSync());
    const wb = two.getWeights().map((w) => w.dataSync());
    wa.forEach((w, i) => expect(relErr(w, wb[i]!)).toBeLessThan(1e-4));
    // The step really moved the weights (otherwise equality would prove nothing).
    const fresh = await model();
    expect(relErr(fresh.getWeights()[2]!.dataSync(), wb[2]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
    [one, two, fresh].forEach((m) => m.dispose());
    optOne.dispose();
    optTwo.dispose();
  }, 60_000);

  it.each<[LossName, (y: tf.Tensor) => tf.Tensor]>([
    ['sparseCategoricalCrossentropy', (y) => tf.argMax(y, -1)],
    ['meanSquaredError', (y) => y],
  ])(
    'the summed shard gradients of %s equal the whole batch’s',
    async (name, labelsOf) => {
      const m = await model();
      const [x, y1] = batch();
      const y = labelsOf(y1);
      const whole = await (await import('../../src/node.ts')).localGradients.gradients(m, { xs: [x], ys: [y] }, objectiveOf(m, name));
      const split = await sharded.gradients(m, { xs: [x], ys: [y] }, objectiveOf(m, name));
      expect(split.scores[0]).toBeCloseTo(whole.scores[0]!, 3);
      split.scores.forEach((v, i) => expect(v, `score ${i}`).toBeCloseTo(whole.scores[i]!, 3));
      for (const key of Object.keys(whole.grads)) expect(relErr(whole.grads[key]!.dataSync(), split.grads[key]!.dataSync()), key).toBeLessThan(1e-4);
      tf.dispose([x, y1, y, ...Object.values(whole.grads), ...Object.values(split.grads)]);
      m.dispose();
    },
    60_000,
  );

  it('evaluation shared between threads equals a direct computation on the whole batch', async () => {
    const m = await model();
    const [x, y] = batch();
    const b = await sharded.evaluate(m, { xs: [x], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy'));
    // The softmax's input: the model without its last layer.
    const logits = tf.model({ inputs: m.inputs, outputs: m.layers.at(-2)!.output as tf.SymbolicTensor });
    const p = tf.tidy(() => logits.predict(x) as tf.Tensor);
    const expectedLoss = tf.tidy(() => tf.losses.softmaxCrossEntropy(y, p).dataSync()[0]! * n);
    const expectedCorrect = tf.tidy(() => tf.sum(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1))).dataSync()[0]!);
    // scores: [Σ loss, Σ loss of the one output, Σ accuracy].
    expect(b.scores[0]).toBeCloseTo(expectedLoss, 3);
    expect(b.scores[2]).toBe(expectedCorrect);
    tf.dispose([x, y, p]);
    m.dispose();
  }, 60_000);

  it('leaves no tensors behind on the main thread', async () => {
    const m = await model();
    const opt = optimizerFor(m, optimizerSpec('sgd:lr=0.01').transform);
    const [x, y] = batch();
    await trainStep(m, opt, x, y, { gradients: sharded });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await trainStep(m, opt, x, y, { gradients: sharded });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    m.dispose();
  }, 60_000);

  it('a worker failure rejects the step with its message; the worker survives it', async () => {
    const m = await model();
    const bad = tf.zeros([4, 27, 27, 1]);
    const y = tf.zeros([4, 10]);
    await expect(sharded.evaluate(m, { xs: [bad], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy'))).rejects.toThrow(/shape/);
    const good = tf.zeros([4, 28, 28, 1]);
    const ok = await sharded.evaluate(m, { xs: [good], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy'));
    expect(ok.scores[2]).toBeGreaterThanOrEqual(0);
    tf.dispose([bad, good, y]);
    m.dispose();
  }, 60_000);

  it('refuses a loss given as a function (it cannot be sent to a worker) with a UsageError', async () => {
    const m = await model();
    const [x, y] = batch();
    const step = sharded.gradients(
      m,
      { xs: [x], ys: [y] },
      objectiveOf(m, (a, b) => tf.losses.meanSquaredError(a, b) as tf.Scalar),
    );
    await expect(step).rejects.toThrow(/function cannot be computed on worker threads/);
    await expect(step).rejects.toThrow(UsageError);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('sharded gradients with random layers: seeded per step and shard', () => {
  const make = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ name: 'sd_a', units: 12, inputShape: [6], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.gaussianNoise({ stddev: 0.3 }),
        tf.layers.dense({ name: 'sd_b', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
  const x = () => tf.randomUniform([32, 6], -1, 1, 'float32', 3);
  const y = () => tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3));
  const bits = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(new Uint32Array(new Float32Array(w.dataSync()).buffer)));

  it('two runs on a worker thread and this one with the same seed end bit-identical; another seed differs', async () => {
    await selectBackend('cpu');
    const { fit } = await import('../../src/node.ts');
    const run = async (seed: number) => {
      const m = make();
      const sharded = await ShardedGradients.start(m, 1);
      try {
        await fit(
          m,
          { x: x(), y: y() },
          { epochs: 2, batchSize: 16, optimizer: 'adam:lr=0.05', loss: 'sparseCategoricalCrossentropy', seed, gradients: sharded },
        );
      } finally {
        await sharded.close();
      }
      return bits(m);
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  }, 60_000);
});

describe('sharded gradients of a model with a frozen pretrained layer (wasm, main thread + 1 worker thread)', () => {
  // Pretrained weights, far from any initializer's: the workers must compute with them, not with their own.
  const make = () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'fz_a', units: 8, inputShape: [5], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ name: 'fz_b', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const a = m.layers[0]!;
    const values = [pretrained([5, 8], 1), pretrained([8], 2)];
    a.setWeights(values);
    tf.dispose(values);
    a.trainable = false;
    return m;
  };
  const batch = () => ({ xs: [tf.randomUniform([10, 5], -1, 1, 'float32', 4)], ys: [tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1, 0, 0], 'int32'), 3)] });
  const workers = useShardWorkers(make, 1);

  it('equal the one-thread gradients and scores: the worker computes with the frozen layer’s weights', async () => {
    const { localGradients } = await import('../../src/node.ts');
    const m = make();
    expect(m.trainableWeights.map((w) => w.originalName)).toEqual(['fz_b/kernel', 'fz_b/bias']);
    const b = batch();
    const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
    await expectShardsMatchOneThread(m, b, workers(), objective);
    const evalOne = await localGradients.evaluate(m, b, objective);
    const evalSplit = await workers().evaluate(m, b, objective);
    evalSplit.scores.forEach((v, i) => expect(Math.abs(v - evalOne.scores[i]!), `eval score ${i}`).toBeLessThan(1e-5));
    tf.dispose([...b.xs, ...b.ys]);
    m.dispose();
  }, 60_000);

  it('sends the frozen weights to a worker only when it has not got them as they are: first step, another model, setWeights', async () => {
    const { localGradients } = await import('../../src/node.ts');
    const { ShardPool } = await import('../../src/parallel/pool.ts');
    const run = vi.spyOn(ShardPool.prototype, 'run');
    const sent = () => run.mock.calls.splice(0).map(([, body]) => ('frozen' in body ? (body.frozen?.length ?? 0) : 0));
    const fresh = await ShardedGradients.start(make(), 1);
    const m = make();
    const b = batch();
    const objective = objectiveOf(m, 'categoricalCrossentropy');
    const step = async () => tf.dispose(Object.values((await fresh.gradients(m, b, objective)).grads));
    try {
      await step();
      await step();
      await fresh.evaluate(m, b, objective);
      expect(sent()).toEqual([5 * 8 + 8, 0, 0]);
      // New values for the frozen layer: sent again, and the worker computes with them.
      const values = [tf.fill([5, 8], 0.3), tf.fill([8], -0.2)];
      m.layers[0]!.setWeights(values);
      tf.dispose(values);
      const one = await localGradients.gradients(m, b, objective);
      const split = await fresh.gradients(m, b, objective);
      expect(sent()).toEqual([5 * 8 + 8]);
      for (const key of Object.keys(one.grads)) expect(relErr(split.grads[key]!.dataSync(), one.grads[key]!.dataSync()), key).toBeLessThan(1e-5);
      tf.dispose([...Object.values(one.grads), ...Object.values(split.grads)]);
      // Another model of the same layout: its frozen weights are sent.
      const other = make();
      tf.dispose(Object.values((await fresh.gradients(other, b, objective)).grads));
      expect(sent()).toEqual([5 * 8 + 8]);
      other.dispose();
    } finally {
      run.mockRestore();
      tf.dispose([...b.xs, ...b.ys]);
      m.dispose();
      await fresh.close();
    }
  }, 60_000);

  it('refuses a model frozen otherwise than the one the workers rebuilt, with a UsageError', async () => {
    const m = make();
    m.layers[0]!.trainable = true;
    const b = batch();
    const step = workers().gradients(m, b, objectiveOf(m, 'categoricalCrossentropy'));
    await expect(step).rejects.toThrow(/frozen or unfrozen since/);
    await expect(step).rejects.toThrow(UsageError);
    tf.dispose([...b.xs, ...b.ys]);
    m.dispose();
  });

  // Last of this group: it closes the workers.
  it('refuses a step once closed, with a UsageError', async () => {
    const m = make();
    const b = batch();
    await workers().close();
    await expect(workers().gradients(m, b, objectiveOf(m, 'categoricalCrossentropy'))).rejects.toThrow(UsageError);
    tf.dispose([...b.xs, ...b.ys]);
    m.dispose();
  });
});

describe('a model with BatchNormalization is not split across threads', () => {
  const make = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ name: 'bn_a', units: 6, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.batchNormalization({ name: 'bn_norm' }),
        tf.layers.dense({ name: 'bn_b', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });

  it('gradientsFor on wasm with 2 threads takes one thread, says why, and its gradients are the one-thread ones', async () => {
    const { gradientsFor, localGradients, stepThreads } = await import('../../src/node.ts');
    const backend = await selectBackend('wasm', { threads: 2 });
    expect(backend.workers).toBe(1);
    const m = make();
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy', ['accuracy']);
    expect(chosen.path).toBe('per-kernel');
    expect(chosen.gradients.threads).toBe(1);
    // What a record says: one thread, no `parallel` (the backend's data-parallel shards are not used).
    expect(stepThreads(chosen.gradients, backend)).toEqual({ threads: 1 });
    expect(chosen.note).toMatch(/^one thread: layer bn_norm \(BatchNormalization\) uses the whole batch's statistics/);
    // Batch statistics: the shards' halves have other means than the whole batch.
    const b = {
      xs: [
        tf.tensor2d(
          Array.from({ length: 40 }, (_, i) => (i < 20 ? i * 0.1 : -i * 0.3)),
          [10, 4],
        ),
      ],
      ys: [tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1, 0, 0], 'int32'), 3)],
    };
    const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
    const one = await localGradients.gradients(m, b, objective);
    const got = await chosen.gradients.gradients(m, b, objective);
    got.scores.forEach((v, i) => expect(Math.abs(v - one.scores[i]!), `score ${i}`).toBeLessThan(1e-5));
    for (const key of Object.keys(one.grads)) {
      const [a, g] = [one.grads[key]!.dataSync(), got.grads[key]!.dataSync()];
      a.forEach((v, i) => expect(Math.abs(v - g[i]!), `${key}[${i}]`).toBeLessThan(1e-5));
    }
    // Started directly, it is refused: an UnshardableError, one of the library's UsageErrors.
    const direct = ShardedGradients.start(m, 1);
    await expect(direct).rejects.toThrow(/bn_norm \(BatchNormalization\)/);
    await expect(direct).rejects.toThrow(UnshardableError);
    await expect(direct).rejects.toThrow(UsageError);
    tf.dispose([...b.xs, ...b.ys, ...Object.values(one.grads), ...Object.values(got.grads)]);
    await chosen.gradients.close();
    m.dispose();
  }, 60_000);
});

describe('stepThreads: the threads a record states', () => {
  const ort = { name: 'onnxruntime', threads: 2, parallel: 'data' as const };
  it('several threads with how they share a batch; one thread without', async () => {
    const { stepThreads } = await import('../../src/node.ts');
    expect(stepThreads({ threads: 2 }, ort)).toEqual({ threads: 2, parallel: 'data' });
    expect(stepThreads({ threads: 2, parallel: 'threads' }, ort)).toEqual({ threads: 2, parallel: 'threads' });
    expect(stepThreads({ threads: 1 }, ort)).toEqual({ threads: 1 });
    // One thread of the strategy's own on a backend with threads of its own (tensorflow, wasm's threaded build).
    expect(stepThreads({ threads: 1 }, { name: 'tensorflow', threads: 4, parallel: 'threads' })).toEqual({ threads: 4, parallel: 'threads' });
    expect(stepThreads({ threads: 1 }, { name: 'wasm', threads: 1, parallel: 'threads' })).toEqual({ threads: 1 });
  });
});

/** `strategy`'s gradients of a [8, 3] → 2-class batch equal the one-thread ones exactly; then it is closed and `m` disposed. */
async function expectOneThreadGradients(m: tf.LayersModel, strategy: GradientStrategy, local: GradientStrategy): Promise<void> {
  const b = { xs: [tf.tensor2d(data(24, 5), [8, 3])], ys: [tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1], 'int32'), 2)] };
  const objective = objectiveOf(m, 'categoricalCrossentropy');
  const one = await local.gradients(m, b, objective);
  const got = await strategy.gradients(m, b, objective);
  for (const key of Object.keys(one.grads)) expect(relErr(got.grads[key]!.dataSync(), one.grads[key]!.dataSync()), key).toBe(0);
  tf.dispose([...b.xs, ...b.ys, ...Object.values(one.grads), ...Object.values(got.grads)]);
  await strategy.close();
  m.dispose();
}

describe('a layer class of the user’s own is not split across threads', () => {
  /** Stateless and bound to the batch: subtracts the batch's mean (shards would subtract their own). */
  class BatchCentre extends tf.layers.Layer {
    static readonly className = 'PenxTestBatchCentre';
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.sub(x, tf.mean(x, 0, true));
    }
  }
  tf.serialization.registerClass(BatchCentre);

  it('gradientsFor on wasm with 2 threads takes one thread and says why; its gradients are the one-thread ones', async () => {
    const { gradientsFor, localGradients, stepThreads } = await import('../../src/node.ts');
    const backend = await selectBackend('wasm', { threads: 2 });
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'uc_a', units: 5, inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        new BatchCentre({ name: 'uc_centre' }),
        tf.layers.dense({ name: 'uc_b', units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    // The workers rebuild the model from its JSON, where the user's class is not registered.
    expect(chosen.gradients.threads).toBe(1);
    expect(chosen.note).toBe(
      "one thread: class PenxTestBatchCentre of the model is unknown to the worker threads: no module given to them registers it (give them the one that does, e.g. in selectBackend's classModules)",
    );
    expect(stepThreads(chosen.gradients, backend)).toEqual({ threads: 1 });
    await expectOneThreadGradients(m, chosen.gradients, localGradients);
  }, 60_000);
});
describe('a layer class of the user’s extending a TF.js layer (inheriting its class name) is not split across threads', () => {
  /** Twice Dense's output: the workers would rebuild it from its JSON as a plain Dense. */
  const DenseClass = tf.layers.dense({ units: 1 }).constructor as new (args: Parameters<typeof tf.layers.dense>[0]) => tf.layers.Layer;
  class DoubledDense extends DenseClass {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
      return tf.mul(super.call(inputs, kwargs) as tf.Tensor, 2);
    }
  }

  it('gradientsFor on wasm with 2 threads takes one thread and says why; its gradients are the one-thread ones', async () => {
    const { gradientsFor, localGradients } = await import('../../src/node.ts');
    const backend = await selectBackend('wasm', { threads: 2 });
    const m = tf.sequential({
      layers: [
        new DoubledDense({ name: 'dd_a', units: 5, inputShape: [3], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.dense({ name: 'dd_b', units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    expect(chosen.gradients.threads).toBe(1);
    expect(chosen.note).toMatch(/^one thread: layer dd_a \(DoubledDense, named Dense\) is not TF\.js's class/);
    await expectOneThreadGradients(m, chosen.gradients, localGradients);
  }, 60_000);
});
describe('gradientsFor takes what selectBackend returns', () => {
  it('refuses a number (backend.workers) or a partial object with a UsageError naming the form, instead of one thread and a note blaming the model', async () => {
    const { gradientsFor, UsageError } = await import('../../src/node.ts');
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    for (const wrong of [1, undefined, { name: 'wasm', threads: 2 }, { name: 'wasm', threads: 0, parallel: 'data', workers: 0 }]) {
      const chosen = gradientsFor(m, wrong as never);
      await expect(chosen, JSON.stringify(wrong)).rejects.toThrow(UsageError);
      await expect(chosen).rejects.toThrow(
        /backend must be what selectBackend returns, \{ name, threads ≥ 1, parallel: 'data' \| 'threads', workers ≥ 0 \}, got /,
      );
    }
    await expect(gradientsFor(m, 1 as never)).rejects.toThrow(/, got 1$/);
    // The right form still works.
    const chosen = await gradientsFor(m, { name: 'wasm', threads: 1, parallel: 'data', workers: 0 });
    expect(chosen.gradients.threads).toBe(1);
    m.dispose();
  });
});

describe('ShardedGradients.start', () => {
  it.each([1.5, -1])('refuses %s workers with a UsageError, before starting any', async (workers) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    await expect(ShardedGradients.start(model, workers)).rejects.toThrow(UsageError);
    await expect(ShardedGradients.start(model, workers)).rejects.toThrow(`workers must be a whole number ≥ 0, got ${workers}`);
    model.dispose();
  });
});
