/**
 * A checkpoint whose optimiser state does not fit the optimiser it is restored into (another
 * optimiser's: sgd keeps no moments, adamw needs them) is a DataError naming the checkpoint, as a
 * damaged one is — not the optimiser's own refusal, whose remedy (its getWeights) is not the user's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/folders/checkpoint.ts';
import { optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { tf } from '../../src/tf.ts';
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
