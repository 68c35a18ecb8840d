/**
 * A custom layer's trainable float32 weight its `call` never reads (fixture idle-weight's `spare/idle`):
 * no gradient of the loss reaches it, so its gradient is zeros (∂loss/∂w = 0). The optimiser's state
 * keeps its entries, so a checkpoint restores it; a decoupled weight decay acts on it as on every
 * weight; the record counts it among the trainable weights. (The same over shard workers:
 * test/parallel/user-layers.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fit, fitToFolder, tf } from '../../src/node.ts';
import build from '../fixtures/models/idle-weight.ts';

const data = () => ({
  x: tf.tensor4d(
    Array.from({ length: 8 * 16 }, (_, i) => Math.abs(Math.sin(i * 1.37))),
    [8, 4, 4, 1],
  ),
  y: tf.oneHot(tf.tensor1d([0, 1, 2, 0, 2, 1, 1, 0], 'int32'), 3),
});
afterAll(() => tf.disposeVariables());

const idle = (m: tf.LayersModel) => Array.from(m.getLayer('spare').weights[1]!.read().dataSync());

it("adamw's decay acts on a weight no gradient reaches, 0.5·(1 − lr·wd)^steps, and the record counts it trainable", async () => {
  const model = build([4, 4, 1], 3, { seed: 5 });
  const d = data();
  // 2 epochs of 2 batches: 4 steps, each w ← w − lr·(m̂/(√v̂ + ε) + wd·w) with m̂ = 0.
  const record = await fit(model, d, { epochs: 2, batchSize: 4, optimizer: 'adamw:lr=0.1,wd=0.5' });
  for (const v of idle(model)) expect(v).toBeCloseTo(0.5 * 0.95 ** 4, 6);
  expect(record.config.weights.map((w) => [w.name, w.trainable])).toEqual([
    ['spare/kernel', true],
    ['spare/idle', true],
    ['head/kernel', true],
    ['head/bias', true],
  ]);
  expect(record.config.model).toMatchObject({ weights: 16 * 6 + 3 + 6 * 3 + 3, trainableWeights: 16 * 6 + 3 + 6 * 3 + 3 });
  for (const s of [record.initial, ...record.epochs]) {
    expect(s.histogram.count).toBe(16 * 6 + 3 + 6 * 3 + 3);
    expect(s.nonTrainable).toBeUndefined();
  }
  tf.dispose([d.x, d.y]);
  model.dispose();
});

it("resumes from a checkpoint: the optimiser's state holds the idle weight's moments", async () => {
  const root = mkdtempSync(join(tmpdir(), 'penx-idle-'));
  const dir = join(root, 'run');
  const options = { dir, batchSize: 4, optimizer: 'adam:lr=0.1', figures: false } as const;
  const model = build([4, 4, 1], 3, { seed: 5 });
  const d = data();
  try {
    await fitToFolder(model, d, { ...options, epochs: 1 });
    const resumed = await fitToFolder(model, d, { ...options, epochs: 2, resume: true });
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(idle(model)).toEqual([0.5, 0.5, 0.5]);
  } finally {
    tf.dispose([d.x, d.y]);
    model.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
