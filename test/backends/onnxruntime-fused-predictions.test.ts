/**
 * The fused evaluation graph gives the predictions it counted its accuracy on: on ONNX Runtime's
 * threads and data-parallel (this thread's shard and a worker's), over chunks of 128 with a padded
 * last one, they equal the cpu backend's probabilities (the softmax of the logits the graph's loss
 * takes, or the outputs as they are) and the recorded testAcc is exactly their accuracy. A training
 * step counts its accuracy on the same probabilities (ties after the softmax as cpu scores them).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { RemoteSession } from '../../src/backends/onnxruntime/fused/workers.ts';
import { OrtSession } from '../../src/backends/onnxruntime/runtime/binding.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { fit, localGradients, type Monitor, type Predictions, tf } from '../../src/index.ts';
import { gradientsFor } from '../../src/parallel/gradients-for.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { accuracyOf, expectTestAccOfPredictions } from '../fixtures/predictions.ts';

const n = 300; // chunks of 128, 128 and 44 (padded)
const wave = (k: number, seed: number) => Float32Array.from({ length: k }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11 + seed));

/** The same weights on every backend. */
function make(activation: 'softmax' | 'sigmoid'): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [6], activation: 'relu' }), tf.layers.dense({ units: 4, activation })] });
  m.weights.forEach((w, i) => (w.read() as tf.Variable).assign(tf.tensor(wave(w.shape.reduce((a, b) => a! * b!, 1)!, i + 1), w.shape as number[])));
  return m;
}
const data = () => ({
  x: tf.tensor2d(wave(n * 6, 9), [n, 6]),
  y: tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: n }, (_, i) => (i * 7) % 4),
        'int32',
      ),
      4,
    )
    .toFloat(),
});

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 2 });
});

describe('fused graph: the predictions, and the accuracy counted on them', () => {
  for (const activation of ['softmax', 'sigmoid'] as const) {
    it(`${activation} output: the cpu backend’s, and testAcc is their accuracy (threads and data-parallel)`, async () => {
      await tf.setBackend('cpu');
      const onCpu = make(activation);
      const c = data();
      const cpu = await localGradients.evaluate(onCpu, { xs: [c.x], ys: [c.y] }, objectiveOf(onCpu, 'categoricalCrossentropy', ['accuracy']), true);
      tf.dispose([c.x, c.y]);
      onCpu.dispose();
      await tf.setBackend('onnxruntime');
      for (const parallel of ['threads', 'data'] as const) {
        const m = make(activation);
        const { x, y } = data();
        const fused = await FusedGradients.start(m, 'categoricalCrossentropy', 2, parallel);
        if (typeof fused === 'string') throw new Error(fused);
        try {
          const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
          const r = await fused.evaluate(m, { xs: [x], ys: [y] }, objective, true);
          expect(fused.sessions, 'the fused graph evaluated').toBe(1);
          expect(r.predictions?.map((p) => p.length)).toEqual([n * 4]);
          r.predictions![0]!.forEach((v, i) => expect(Math.abs(v - cpu.predictions![0]![i]!), `${parallel}: value ${i}`).toBeLessThan(1e-5));
          expect(accuracyOf({ values: r.predictions![0]!, shape: [n, 4] }, y)).toBe(r.scores[2]! / n);

          await expectTestAccOfPredictions(m, { x, y }, { x, y }, { epochs: 1, batchSize: 100, loss: 'categoricalCrossentropy', gradients: fused });
        } finally {
          await fused.close();
          tf.dispose([x, y]);
          m.dispose();
        }
      }
    }, 60_000);
  }

  // logits 0 and 1e-10: e^(0 − 1e-10) rounds to 1 in float32, probabilities 0.5 and 0.5 (argmax 0),
  // where the logits' argmax is 1, the label's.
  const tied = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })] });
    m.setWeights([tf.zeros([2, 3]), tf.tensor1d([0, 1e-10, -1])]);
    return m;
  };
  const k = 5;

  it('logits that differ by less than float32 resolves after the softmax: accuracy on the tied probabilities (first class), as cpu', async () => {
    const make = tied;
    const x = tf.ones([k, 2]);
    const y = tf.oneHot(tf.fill([k], 1, 'int32'), 3).toFloat();
    await tf.setBackend('cpu');
    const onCpu = make();
    const cpu = await localGradients.evaluate(onCpu, { xs: [x], ys: [y] }, objectiveOf(onCpu, 'categoricalCrossentropy', ['accuracy']), true);
    onCpu.dispose();
    expect(cpu.predictions![0]![0]).toBe(cpu.predictions![0]![1]);
    expect(cpu.scores[2], 'cpu: the first of the tied classes').toBe(0);
    await tf.setBackend('onnxruntime');
    const m = make();
    const fused = await FusedGradients.start(m, 'categoricalCrossentropy', 2, 'threads');
    if (typeof fused === 'string') throw new Error(fused);
    try {
      const r = await fused.evaluate(m, { xs: [x], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy', ['accuracy']), true);
      expect(fused.sessions, 'the fused graph evaluated').toBe(1);
      expect(r.predictions![0]![0], 'the probabilities tie').toBe(r.predictions![0]![1]);
      expect(r.scores[2], 'correct, counted on the tied probabilities').toBe(0);
      expect(accuracyOf({ values: r.predictions![0]!, shape: [k, 3] }, y)).toBe(r.scores[2]! / k);
    } finally {
      await fused.close();
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('training: the step’s accuracy counted on the tied probabilities too (first class), as cpu, threads and data-parallel', async () => {
    const x = tf.ones([k, 2]);
    const y = tf.oneHot(tf.fill([k], 1, 'int32'), 3).toFloat();
    await tf.setBackend('cpu');
    const onCpu = tied();
    const cpu = await localGradients.gradients(onCpu, { xs: [x], ys: [y] }, objectiveOf(onCpu, 'categoricalCrossentropy', ['accuracy']));
    tf.dispose(Object.values(cpu.grads));
    onCpu.dispose();
    expect(cpu.scores[2], 'cpu: the first of the tied classes').toBe(0);
    await tf.setBackend('onnxruntime');
    for (const parallel of ['threads', 'data'] as const) {
      const m = tied();
      const fused = await FusedGradients.start(m, 'categoricalCrossentropy', 2, parallel);
      if (typeof fused === 'string') throw new Error(fused);
      try {
        const r = await fused.gradients(m, { xs: [x], ys: [y] }, objectiveOf(m, 'categoricalCrossentropy', ['accuracy']));
        tf.dispose(Object.values(r.grads));
        expect(fused.sessions, 'the fused graph trained').toBe(1);
        expect(r.scores[2], `${parallel}: correct, counted on the tied probabilities`).toBe(cpu.scores[2]);
        expect(r.scores[0], `${parallel}: the loss`).toBeCloseTo(cpu.scores[0]!, 5);
      } finally {
        await fused.close();
        m.dispose();
      }
    }
    tf.dispose([x, y]);
  });

  it('an evaluation fetches its probs only when asked: no output on this thread, nothing copied back by a worker', async () => {
    const runs = vi.spyOn(OrtSession.prototype, 'run');
    const starts = vi.spyOn(RemoteSession.prototype, 'start');
    const m = make('softmax');
    const { x, y } = data();
    const fused = await FusedGradients.start(m, 'categoricalCrossentropy', 2, 'data');
    if (typeof fused === 'string') throw new Error(fused);
    try {
      const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
      // The fused graph's runs (the backend's kernels run sessions too: a graph of one output).
      const fetched = () =>
        runs.mock.calls
          .filter((_, i) => (runs.mock.contexts[i] as OrtSession).outputs.some((o) => o.name === 'probs'))
          .map(([, outs]) => outs.map((o) => o !== undefined));
      const plain = await fused.evaluate(m, { xs: [x], ys: [y] }, objective);
      expect(plain.predictions).toBeUndefined();
      // Three chunks (128, 128, 44), each this thread's shard and a worker's: loss_sum, correct, penalty only.
      expect(fetched()).toEqual(Array(3).fill([true, true, true, false]));
      const worker = starts.mock.contexts[0] as RemoteSession;
      expect(starts.mock.calls.map(([skip]) => skip)).toEqual(Array(3).fill([3]));
      expect(
        worker.outputs[3]!.every((v) => v === 0),
        'the worker copied no probs back',
      ).toBe(true);
      runs.mockClear();
      starts.mockClear();
      const asked = await fused.evaluate(m, { xs: [x], ys: [y] }, objective, true);
      expect(fetched()).toEqual(Array(3).fill([true, true, true, true]));
      expect(starts.mock.calls.map(([skip]) => skip ?? [])).toEqual(Array(3).fill([]));
      expect(
        worker.outputs[3]!.some((v) => v !== 0),
        'the worker’s probs',
      ).toBe(true);
      // The same scores either way: the accuracy is counted in the graph on the probabilities, fetched or not.
      expect(asked.scores).toEqual(plain.scores);
      expect(accuracyOf({ values: asked.predictions![0]!, shape: [n, 4] }, y)).toBe(plain.scores[2]! / n);
    } finally {
      runs.mockRestore();
      starts.mockRestore();
      await fused.close();
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('a model of two outputs: per-kernel, the record saying why, and a prediction for each output (none fewer)', async () => {
    const input = tf.input({ shape: [6] });
    const hidden = tf.layers
      .dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
      .apply(input) as tf.SymbolicTensor;
    const a = tf.layers
      .dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
      .apply(hidden) as tf.SymbolicTensor;
    const b = tf.layers
      .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
      .apply(hidden) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: [a, b] });
    const { x, y } = data();
    const y2 = tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 2),
          'int32',
        ),
        2,
      )
      .toFloat();
    const chosen = await gradientsFor(m, { name: 'onnxruntime', threads: 2, parallel: 'data', workers: 1 });
    expect(chosen.path).toBe('per-kernel');
    expect(chosen.why).toBe('the objective has 2 losses (the fused graph takes one output)');
    const seen: (readonly Predictions[])[] = [];
    const keep: Monitor = {
      name: 'keep',
      wantsTestPredictions: true,
      onEpochEnd: ({ testPredictions }) => {
        seen.push(testPredictions ?? []);
        return null;
      },
    };
    try {
      const record = await fit(
        m,
        { x, y: [y, y2] },
        {
          epochs: 1,
          batchSize: 100,
          validationData: [x, [y, y2]],
          gradients: chosen.gradients,
          monitors: [keep],
          info: { gradientsWhy: chosen.why! },
        },
      );
      expect(record.config.gradients).toBe('per-kernel');
      expect(record.config.gradientsWhy).toBe(chosen.why);
      expect(seen.map((p) => p.map((o) => o.shape))).toEqual([
        [
          [n, 4],
          [n, 2],
        ],
        [
          [n, 4],
          [n, 2],
        ],
      ]);
      // After the last epoch: the model's own outputs.
      const predicted = m.predict(x) as tf.Tensor[];
      predicted.forEach((t, i) => {
        const want = t.dataSync();
        seen[1]![i]!.values.forEach((v, j) => expect(Math.abs(v - want[j]!), `output ${i}, value ${j}`).toBeLessThan(1e-5));
      });
      tf.dispose(predicted);
    } finally {
      await chosen.gradients.close?.();
      tf.dispose([x, y, y2]);
      m.dispose();
    }
  });
});
