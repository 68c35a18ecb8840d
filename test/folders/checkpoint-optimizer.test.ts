/**
 * A checkpoint whose optimiser state does not fit the optimiser it is restored into (another
 * optimiser's: sgd keeps no moments, adamw needs them) is a DataError naming the checkpoint, as a
 * damaged one is — not the optimiser's own refusal, whose remedy (its getWeights) is not the user's;
 * and every optimiser's state, saved with a checkpoint, resumes its run exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/folders/checkpoint.ts';
import { optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { OPTIMIZER_SIGNATURES } from '../../src/registry/index.ts';
import { tf } from '../../src/tf.ts';
import { trainStep } from '../../src/training/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-checkpoint-optimizer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('refuses an optimiser state that does not fit with a DataError naming the checkpoint', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const run = makeRunRecord({ epochs: 1 });
  const sgd = optimizerFor(model, optimizerSpec('sgd').transform);
  await saveCheckpoint(root, model, sgd, run);
  const checkpoint = await loadCheckpoint(root, run);
  const adamw = optimizerFor(model, optimizerSpec('adamw').transform);
  try {
    const restored = checkpoint!.restore(model, adamw);
    await expect(restored).rejects.toThrow(DataError);
    await expect(restored).rejects.toThrow(`${join(root, 'checkpoint')}: cannot be restored (optimizer state lacks`);
  } finally {
    checkpoint?.dispose();
    sgd.dispose();
    adamw.dispose();
    model.dispose();
  }
});

/** Dense 3 → 2 at fixed weights (its layer named, as a resumed run rebuilds its names) and its optimiser of `spec`. */
function tiny(spec: string) {
  const model = tf.sequential({ layers: [tf.layers.dense({ name: 'dense_1', units: 2, inputShape: [3] })] });
  (model.weights[0]!.read() as tf.Variable).assign(tf.tensor2d([0.3, -0.5, 0.8, 0.1, -0.2, 0.6], [3, 2]));
  const optimizer = optimizerFor(model, optimizerSpec(spec).transform);
  return { model, optimizer };
}
const X = () => tf.tensor2d([1, 2, -1, 0.5, -1, 2, 2, 0.3, 0.7, -1, 1, 1], [4, 3]);
const Y = () => tf.tensor2d([1, -2, 0.5, 3, 0, 1, -1, 2], [4, 2]);
const mse = { loss: (t: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(t, p) as tf.Scalar };

// Every optimiser's state (optimisers are built in only: their signatures name them all) (momentum's also with nesterov=1) through a checkpoint on disk: two steps, a
// checkpoint, a third step restored into a fresh model and optimiser = three steps uninterrupted.
it.each([...Object.keys(OPTIMIZER_SIGNATURES), 'momentum:nesterov=1'])('%s: its state through a checkpoint resumes the run exactly', async (spec) => {
  const dir = mkdtempSync(join(root, 'state-'));
  const run = makeRunRecord({ epochs: 1 });
  const [x, y] = [X(), Y()];
  const whole = tiny(spec);
  for (let i = 0; i < 2; i++) await trainStep(whole.model, whole.optimizer, x, y, mse);
  await saveCheckpoint(dir, whole.model, whole.optimizer, run);
  await trainStep(whole.model, whole.optimizer, x, y, mse);
  const resumed = tiny(spec);
  const checkpoint = await loadCheckpoint(dir, run);
  try {
    await checkpoint!.restore(resumed.model, resumed.optimizer);
    await trainStep(resumed.model, resumed.optimizer, x, y, mse);
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(resumed.model)).toEqual(weights(whole.model));
    expect(resumed.optimizer.iterations).toBe(3);
  } finally {
    checkpoint?.dispose();
    for (const { model, optimizer } of [whole, resumed]) {
      optimizer.dispose();
      model.dispose();
    }
    tf.dispose([x, y]);
  }
});
