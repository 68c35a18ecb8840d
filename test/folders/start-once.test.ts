/**
 * What fitToFolder does before its first batch, it does once: the run's config (with each penalty's
 * curve, sampled at 401 single weights) is computed before the folder is claimed and is the one fit
 * records — not computed a second time by fit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitToFolder, STORED_CURVE, tf } from '../../src/node.ts';
import { tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-start-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** TF.js's own L2 (λ 1e-3), counting its calls on a single weight: the curve's samples (the model's kernels hold 12 and 8). */
let singles = 0;
const l2 = tf.regularizers.l2({ l2: 1e-3 });
const apply = l2.apply.bind(l2);
l2.apply = (w) => {
  if (w.size === 1) singles++;
  return apply(w);
};

/** The tiny classifier (fixtures/tiny-classifier.ts) with `l2` on its kernels. */
const penalised = (): tf.Sequential =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), kernelRegularizer: l2 }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), kernelRegularizer: l2 }),
    ],
  });

describe('fitToFolder before its first batch', () => {
  it("samples the penalty's curve once, and records that config", async () => {
    const model = penalised();
    try {
      const record = await fitToFolder(
        model,
        { x: tinyX, y: tinyY },
        { dir: join(root, 'run'), epochs: 1, batchSize: 16, loss: 'sparseCategoricalCrossentropy', figures: false },
      );
      expect(singles).toBe(STORED_CURVE.points);
      const curve = record.config.penaltyCurves?.[0];
      expect(record.config.weights.filter((w) => w.penalty).length).toBe(2);
      expect(curve?.points.length).toBe(STORED_CURVE.points);
      // λ·w² and its slope 2λw at w = 2, as sampled.
      expect(curve?.points.at(-1)).toEqual({ w: 2, value: Math.fround(1e-3 * 4), slope: expect.closeTo(4e-3, 9) });
      expect(record.sessions?.[0]?.startedAt).toBe(record.config.startedAt);
    } finally {
      model.dispose();
    }
  });
});
